using Cairn.Simulation.Checking.Kv;
using Cairn.Simulation.Checking.Watch;

namespace Cairn.Simulation.Workloads.Kv;

/// <summary>
/// The continuous checks' state, and the watch stall check: after the heal every watch stream that was
/// not canceled by a compaction must receive every committed event of its range up to the revision
/// committed at the heal, within <see cref="WatchStallBoundMs"/>; a stream that stays behind while the
/// history went on fails as <c>WatchStream</c>. Until then the run has not converged.
/// </summary>
public sealed partial class KvWorkload
{
    /// <summary>How long after the heal a watch stream may still be behind the revisions committed before it,
    /// in ms: a watch on a dead node is noticed within one probe (<see cref="WatchProbeIntervalMs"/> +
    /// <see cref="WatchProbeTimeoutMs"/>) and moved; a node that was cut off catches up after an election
    /// and a log or snapshot transfer. Ten seconds covers both several times over on a healed network.</summary>
    public const long WatchStallBoundMs = 10_000;

    private long _revisionAtHeal = -1;
    private int[]? _expectedAtHeal;

    /// <summary>Replica agreement (summary after every apply, full state hash at samples and snapshots).</summary>
    internal ReplicaAgreementCheck? Agreement { get; private set; }

    /// <summary>Leases against true time.</summary>
    internal LeaseOracle? LeaseOracle { get; private set; }

    /// <summary>The committed event history, built independently of the node code.</summary>
    internal ReferenceHistory Reference { get; } = new();

    /// <summary>True when every stream has every event of its range up to the revision committed at the heal;
    /// reports <c>WatchStream</c> when one is still behind <see cref="WatchStallBoundMs"/> after the heal.</summary>
    private bool WatchesCaughtUp()
    {
        if (Reference.Truncated) return true;
        if (_revisionAtHeal < 0) _revisionAtHeal = Reference.Revision;
        _expectedAtHeal ??= [.. _watchers.Select(w => -1)];
        for (int i = 0; i < _watchers.Length; i++)
        {
            WatchStream stream = _watchers[i].Stream;
            if (stream.Compacted || stream.StartRevision == 0) continue;
            if (_expectedAtHeal[i] < 0) _expectedAtHeal[i] = WatchChecker.Lag(stream, Reference.Events, _revisionAtHeal) + stream.Events.Count;
            if (stream.Events.Count >= _expectedAtHeal[i]) continue;
            if (_world.Scheduler.Now - _world.HealTimeMs > WatchStallBoundMs)
            {
                _world.Violations.Report("WatchStream",
                    $"watch client {stream.Client} stalled: {WatchStallBoundMs}ms after the heal it has {stream.Events.Count} of the {_expectedAtHeal[i]} events " +
                    $"its range committed up to revision {_revisionAtHeal} (last received revision {stream.NextRevision - 1})");
            }
            return false;
        }
        return true;
    }
}
