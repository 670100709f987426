using Cairn.Core.Raft;

namespace Cairn.Simulation.World;

public sealed partial class SimWorld
{
    private readonly List<int> _core = new();
    private long _livenessBoundMs;

    /// <summary>Election rounds the bound allows after the heal: split votes and pre-vote rounds (§5.2, thesis §9.6).</summary>
    public const int LivenessElectionRoundsMax = 5;

    /// <summary>Round trip on the healed network (1-5 ms each way), in ms.</summary>
    public const int HealedRoundTripMs = 10;

    /// <summary>Slack on the replication estimate: retries, probes after rejections, apply and sync latency.</summary>
    public const int ReplicationSlackFactor = 4;

    /// <summary>What the workload needs on a healthy cluster: a client operation's deadline (5 s) plus the
    /// watch stall bound (5 s).</summary>
    public const long WorkloadSettleMs = 10_000;

    /// <summary>The liveness bound of this run, derived at the heal (0 before it); see <see cref="DeriveLivenessBound"/>.</summary>
    public long LivenessBoundMs => _livenessBoundMs;

    /// <summary>The majority of nodes healed for the liveness phase.</summary>
    public IReadOnlyList<int> HealedCore => _core;

    /// <summary>
    /// The final heal (TigerBeetle's VOPR does the same): faults stop, and a majority core — nodes with
    /// sound disks first — is restarted and its disks' faults cleared, and the network heals. Nodes
    /// outside the core stay crashed or corrupt if the faults left them so, so convergence must not
    /// depend on them.
    /// </summary>
    private void Heal()
    {
        Healed = true;
        HealTimeMs = Scheduler.Now;
        Network.Profile = new NetworkProfile { LatencyMinMs = 1, LatencyMaxMs = 5 };
        var quorum = Cairn.Core.Raft.Quorum.Of(Nodes.Count);
        var order = Nodes.OrderBy(n => n.Disk.Corruption is null && !n.Disk.Faults.Damaging ? 0 : 1).ThenBy(_ => _pointRandom.NextULong()).ToList();
        _core.AddRange(order.Take(quorum).Select(n => n.Id).OrderBy(id => id));
        // Every partition, clog and bandwidth limit heals: a one-way cut between a core node and a live
        // outsider would otherwise let an outside leader starve the core forever (Raft has no remedy).
        Network.HealAll();
        foreach (var id in _core)
        {
            var node = Nodes[id - 1];
            if (node.Clock.DriftPpm != 0) RecordClockChange(); // dropping the drift makes the clock jump
            node.Clock.DriftPpm = 0;
            node.Disk.FullUntil = 0;
            node.Disk.FailNextSync = false;
            if (node.Runtime is null) RestartNode(id);
        }
        _livenessBoundMs = DeriveLivenessBound();
        Mark("heal", _core.ToArray(), 0, $"network healed; core {string.Join(",", _core)} restarted; liveness bound {_livenessBoundMs}ms");
    }

    /// <summary>
    /// The liveness bound, derived from what the healed cluster has left to do rather than a flat time:
    /// <c>bound = LivenessElectionRoundsMax × 2 × ElectionTicks × TickMs</c> (elections, each timeout at most
    /// twice the base) <c>+ ReplicationSlackFactor × HealedRoundTripMs × ⌈lag / AppendEntriesMax⌉</c>
    /// (one batch per round trip for the entries the most lagging up node misses: the highest last index
    /// minus the lowest applied index among up nodes, a snapshot transfer standing in for at most that)
    /// <c>+ WorkloadSettleMs</c>, capped by <see cref="RunOptions.LivenessBoundMs"/>.
    /// </summary>
    private long DeriveLivenessBound()
    {
        var options = new RaftOptions { Id = 1, Peers = [1] }; // the defaults every node runs with
        var up = Nodes.Where(n => n.Up).Select(n => n.Raft!).ToList();
        ulong lag = up.Count == 0 ? 0 : up.Max(r => r.LastIndex) - Math.Min(up.Min(r => r.AppliedIndex), up.Max(r => r.LastIndex));
        long elections = (long)LivenessElectionRoundsMax * 2 * options.ElectionTicks * Options.TickMs;
        long batches = (long)((lag + (ulong)options.AppendEntriesMax - 1) / (ulong)options.AppendEntriesMax);
        long replication = ReplicationSlackFactor * HealedRoundTripMs * batches;
        return Math.Min(Options.LivenessBoundMs, elections + replication + WorkloadSettleMs);
    }

    /// <summary>True once the derived liveness bound has passed since the heal.</summary>
    private bool LivenessBoundPassed => Healed && Scheduler.Now > HealTimeMs + _livenessBoundMs;

    /// <summary>
    /// Converged: a node leads, every node that is up (not only the healed core) has applied the leader's
    /// whole committed log, and the workload has no client operation pending and acknowledged one issued
    /// after the heal.
    /// </summary>
    private bool Converged()
    {
        var leader = Leader();
        if (leader is null) return false;
        foreach (var node in Nodes)
        {
            var raft = node.Up ? node.Raft : null;
            if (_core.Contains(node.Id) && raft is null) return false;
            if (raft is not null && raft.AppliedIndex != leader.CommitIndex) return false;
        }
        return Workload.Converged(HealTimeMs); // last: the workload's checks may start their clocks on its first call
    }

    /// <summary>The live leader of the highest term. It may sit outside the core: nodes left as the faults
    /// left them can still reach the core, and a leader there is as good as any.</summary>
    private RaftNode? Leader()
    {
        RaftNode? leader = null;
        foreach (var node in Nodes)
        {
            var raft = node.Up ? node.Raft : null;
            if (raft?.Role == RaftRole.Leader && (leader is null || raft.Term > leader.Term)) leader = raft;
        }
        return leader;
    }

    private void ReportNoConvergence()
    {
        var leader = Leader();
        var state = string.Join(", ", Nodes.Select(n =>
        {
            var r = n.Up ? n.Raft : null;
            return r is null ? $"n{n.Id} down" : $"n{n.Id} {r.Role} t{r.Term} commit {r.CommitIndex} applied {r.AppliedIndex} stable {r.StableIndex} last {r.LastIndex}";
        }));
        var lagging = leader is null ? [] : Nodes.Where(n => n.Up && n.Raft!.AppliedIndex != leader.CommitIndex).Select(n => n.Id).ToArray();
        var why = leader is null ? "no leader" : lagging.Length > 0 ? $"up nodes {string.Join(",", lagging)} have not applied the whole log" : "client operations still pending";
        Violations.Report("Liveness", $"not converged {_livenessBoundMs}ms after the heal at {HealTimeMs}ms (derived bound): {why} [{state}]", lagging.Length > 0 ? lagging : _core.ToArray());
    }
}
