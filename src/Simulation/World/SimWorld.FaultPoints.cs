using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;
using Cairn.Simulation.Engine;
using Cairn.Simulation.Faults;

namespace Cairn.Simulation.World;

/// <summary>
/// BUGGIFY-style fault points. Each point is switched on per run from the seed, and then fires with a
/// probability also drawn per run, so different seeds push the code into different corners.
/// </summary>
public sealed partial class SimWorld : INodeObserver
{
    /// <summary>Probability that a given fault point is switched on for a run.</summary>
    public const double PointEnabledRate = 0.25;

    private SimRandom _pointRandom = null!;
    private Buggify _buggify = Buggify.Off;
    private readonly double[] _pointRates = new double[Enum.GetValues<FaultPoint>().Length];
    private double _crashAfterVoteRate;

    /// <summary>The fault points switched on for this run, with their firing probability.</summary>
    public IEnumerable<(string Point, double Rate)> ArmedPoints()
    {
        foreach (var p in Enum.GetValues<FaultPoint>())
            if (_pointRates[(int)p] > 0) yield return (p.ToString(), _pointRates[(int)p]);
        if (_crashAfterVoteRate > 0) yield return ("CrashAfterVote", _crashAfterVoteRate);
    }

    private void ArmFaultPoints()
    {
        _pointRandom = SimRandom.Derive(Options.Seed, "fault-points");
        var on = Plan.Has(FaultKinds.Buggify);
        foreach (var p in Enum.GetValues<FaultPoint>())
            if (p != FaultPoint.CorruptSnapshotChunk)
                _pointRates[(int)p] = on && _pointRandom.Chance(PointEnabledRate) ? _pointRandom.Next(1, 30) / 100.0 : 0;
        _crashAfterVoteRate = on && Plan.Has(FaultKinds.Crash) && _pointRandom.Chance(0.5) ? 0.2 : 0;
        ArmSnapshotCorruption(on);
        _buggify = new Buggify(point => point == FaultPoint.CorruptSnapshotChunk ? CorruptsSnapshotChunk()
            : _pointRates[(int)point] > 0 && !Healed && _pointRandom.Chance(_pointRates[(int)point]));
    }

    /// <inheritdoc />
    public void OnReady(ulong node, Ready ready)
    {
        Checker.OnReady(node, ready);
        if (ready.Snapshot is { ReplaceLog: true } installed) _transfers.OnInstall(node, installed);
        if (_crashAfterVoteRate > 0 && !Healed && GrantsVote(ready) && _pointRandom.Chance(_crashAfterVoteRate))
            Scheduler.After(_pointRandom.Next(6, 12), new CrashQuicklyEvent((int)node));
    }

    /// <inheritdoc />
    public void OnSent(ulong node, Message message)
    {
        Checker.OnSent(node, message);
        RecordVote(node, message);
        CountSnapshotChunk(message);
        if (Nodes[(int)node - 1].Runtime is { } runtime) _transfers.OnSent(node, message, runtime.Options);
    }

    /// <summary>Per-chunk chance that a leader's read of a snapshot chunk is damaged, when the point is armed: rare, since
    /// every damaged chunk costs the whole transfer (the follower discards the snapshot and it starts over).</summary>
    public const double SnapshotCorruptionRateMax = 0.003;

    /// <summary>The per-chunk chance under the <c>snapshot-install-unverified</c> canary, which needs the damage to bite.</summary>
    public const double CanarySnapshotCorruptionRate = 0.25;

    /// <summary>Its own stream, so arming and firing it moves no other fault point's draws.</summary>
    private SimRandom _corruptionRandom = null!;

    private void ArmSnapshotCorruption(bool on)
    {
        var random = SimRandom.Derive(Options.Seed, "snapshot-corruption");
        var rate = on && random.Chance(PointEnabledRate) ? random.Next(1, 30) * SnapshotCorruptionRateMax / 30 : 0;
        _pointRates[(int)FaultPoint.CorruptSnapshotChunk] = _bugs.SnapshotInstallUnverified ? CanarySnapshotCorruptionRate : rate;
        _corruptionRandom = random;
    }

    private bool CorruptsSnapshotChunk()
    {
        var rate = _pointRates[(int)FaultPoint.CorruptSnapshotChunk];
        return rate > 0 && !Healed && _corruptionRandom.Chance(rate);
    }

    /// <inheritdoc />
    public void OnApplied(ulong node, Entry entry) => Checker.OnApplied(node, entry);

    /// <summary>Snapshots installed from a leader and restored, across every node and incarnation.</summary>
    public long SnapshotsInstalled { get; private set; }

    /// <summary>Compaction snapshots made durable, across every node and incarnation.</summary>
    public long SnapshotsTaken => Nodes.Sum(n => n.Disk.CompactionsSynced);

    /// <inheritdoc />
    public void OnSnapshotRestored(ulong node, SnapshotRecord snapshot)
    {
        SnapshotsInstalled++;
        NoteTransferDone(node, snapshot.Index);
        Checker.OnSnapshotRestored(node, snapshot);
        Trace("snapshot", (int)node, (long)snapshot.Index);
    }

    /// <summary>
    /// The run's <see cref="RaftOptions.SnapshotEntriesThreshold"/>: drawn from its own stream so that other draws
    /// do not move. Half the runs use a small threshold (20–199 entries), so compaction and installs really happen.
    /// </summary>
    private int DrawSnapshotThreshold()
    {
        var random = SimRandom.Derive(Options.Seed, "snapshot-threshold");
        if (LargeValueRun) return random.Next(Workloads.Kv.LargeValues.SnapshotThresholdMin, Workloads.Kv.LargeValues.SnapshotThresholdMax + 1);
        return random.Chance(0.5) ? random.Next(20, 200) : new RaftOptions { Id = 1, Peers = new ulong[] { 1 } }.SnapshotEntriesThreshold;
    }

    /// <summary>Whether this run's nodes use pre-vote (Raft thesis §9.6): half the runs, from its own stream,
    /// so both election protocols face every fault.</summary>
    public bool PreVote => _preVote ??= SimRandom.Derive(Options.Seed, "pre-vote").Chance(0.5);
    private bool? _preVote;

    /// <summary>The snapshot threshold every node of this run uses.</summary>
    public int SnapshotThreshold => _snapshotThreshold ??= Limits.SnapshotEntriesThreshold ?? DrawSnapshotThreshold();

    /// <summary>This run's seeded limits (tiny in some runs: session table, watch queues, batches, snapshot threshold).</summary>
    public RunLimits Limits => _limits ??= RunLimits.Draw(Options.Seed, Options.Clients);
    private RunLimits? _limits;
    private int? _snapshotThreshold;

    private static bool GrantsVote(Ready ready)
    {
        foreach (var m in ready.MessagesAfterPersist)
            if (m.Type == MessageType.MsgVoteResponse && !m.Reject) return true;
        return false;
    }
}
