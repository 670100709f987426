using Cairn.Simulation.Checking.Kv;
using Cairn.Simulation.Checking.Watch;

namespace Cairn.Simulation.Workloads.Kv;

/// <summary>
/// The continuous checks' state, and the watch stall check. Once the healed cluster has converged (a leader,
/// every core node applied its commit, a client write acknowledged after the heal; from time T0), a watch
/// stream must keep up with the history: at time t ≥ T0 + <see cref="WatchStallBoundMs"/> it must hold every
/// committed event of its range from its start revision up to the last revision committed at
/// t − <see cref="WatchStallBoundMs"/>. A stream that stays behind while the history goes on fails as
/// <c>WatchStream</c>. The run has not converged until every stream holds every committed event of its range.
/// </summary>
public sealed partial class KvWorkload
{
    /// <summary>How far behind the committed history a watch stream may be after the heal, in ms: a watch on a
    /// dead node is noticed within one probe (<see cref="WatchProbeIntervalMs"/> + <see cref="WatchProbeTimeoutMs"/>)
    /// and moved; a node that was cut off catches up after an election and a log or snapshot transfer.
    /// Five seconds covers both several times over on a healed network.</summary>
    public const long WatchStallBoundMs = 5_000;

    /// <summary>How often (simulated ms) the stall check runs after the heal.</summary>
    private const long WatchCheckEveryMs = 50;

    private readonly List<(long TimeMs, long Revision)> _revisionsSinceHeal = new();
    private readonly Dictionary<WatchStream, (int Cursor, int InRange)> _committedNow = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<WatchStream, (int Cursor, int InRange)> _committedOverdue = new(ReferenceEqualityComparer.Instance);
    private long _lastWatchCheckMs = -1;
    private bool _watchesCaughtUp;

    /// <summary>Replica agreement (summary after every apply, full state hash at samples and snapshots).</summary>
    internal ReplicaAgreementCheck? Agreement { get; private set; }

    /// <summary>Leases against true time.</summary>
    internal LeaseOracle? LeaseOracle { get; private set; }

    /// <summary>The committed event history, built independently of the node code.</summary>
    internal ReferenceHistory Reference { get; } = new();

    /// <summary>True when every stream holds every committed event of its range; reports <c>WatchStream</c>
    /// when one lacks an event committed more than <see cref="WatchStallBoundMs"/> ago (after T0). Called only
    /// once the rest of the cluster has converged.</summary>
    private bool WatchesCaughtUp()
    {
        if (Reference.Truncated) return true;
        long now = _world.Now;
        if (_lastWatchCheckMs >= 0 && now - _lastWatchCheckMs < WatchCheckEveryMs) return _watchesCaughtUp;
        _lastWatchCheckMs = now;
        if (_revisionsSinceHeal.Count == 0 || _revisionsSinceHeal[^1].Revision != Reference.Revision)
        {
            _revisionsSinceHeal.Add((now, Reference.Revision));
        }
        long overdue = now - _revisionsSinceHeal[0].TimeMs > WatchStallBoundMs ? RevisionAt(now - WatchStallBoundMs) : 0;
        _watchesCaughtUp = true;
        foreach (WatchClient w in _watchers)
        {
            WatchStream stream = w.Stream;
            if (stream.Compacted || stream.StartRevision == 0) continue;
            int missingNow = Expected(_committedNow, stream, Reference.Revision) - stream.Events.Count;
            if (missingNow <= 0) continue;
            _watchesCaughtUp = false;
            int missingOverdue = overdue > 0 ? Expected(_committedOverdue, stream, overdue) - stream.Events.Count : 0;
            if (missingOverdue > 0)
            {
                _world.Violations.Report("WatchStream",
                    $"watch client {stream.Client} stalled: at {now}ms it lacks {missingOverdue} events of its range committed by revision {overdue}, " +
                    $"more than {WatchStallBoundMs}ms earlier (it started at revision {stream.StartRevision} and received up to revision {stream.NextRevision - 1})");
                return false;
            }
        }
        return _watchesCaughtUp;
    }

    /// <summary>The last revision committed at or before <paramref name="timeMs"/> (the revision at T0 when
    /// that is earlier).</summary>
    private long RevisionAt(long timeMs)
    {
        long revision = _revisionsSinceHeal[0].Revision;
        foreach ((long time, long r) in _revisionsSinceHeal)
        {
            if (time > timeMs) break;
            revision = r;
        }
        return revision;
    }

    /// <summary>Committed events of the stream's range from its start up to <paramref name="upTo"/>, counted
    /// incrementally in <paramref name="progress"/> over the reference history (each event is looked at once per
    /// stream and bound; <paramref name="upTo"/> never decreases for one dictionary).</summary>
    private int Expected(Dictionary<WatchStream, (int Cursor, int InRange)> progress, WatchStream stream, long upTo)
    {
        (int cursor, int inRange) = progress.GetValueOrDefault(stream);
        IReadOnlyList<(long Revision, Cairn.Core.Kv.Wire.Event Event)> events = Reference.Events;
        if (cursor == 0)
        {
            cursor = LowerBound(events, stream.StartRevision);
        }
        while (cursor < events.Count && events[cursor].Revision <= upTo)
        {
            if (WatchChecker.InRange(stream, events[cursor].Event.Kv.Key)) inRange++;
            cursor++;
        }
        progress[stream] = (cursor, inRange);
        return inRange;
    }

    private static int LowerBound(IReadOnlyList<(long Revision, Cairn.Core.Kv.Wire.Event Event)> events, long revision)
    {
        int lo = 0, hi = events.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (events[mid].Revision < revision) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
