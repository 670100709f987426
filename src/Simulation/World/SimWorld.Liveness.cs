using Cairn.Core.Raft;

namespace Cairn.Simulation.World;

public sealed partial class SimWorld
{
    private readonly List<int> _core = new();

    /// <summary>The majority of nodes healed for the liveness phase.</summary>
    public IReadOnlyList<int> HealedCore => _core;

    /// <summary>
    /// The final heal (TigerBeetle's VOPR does the same): faults stop, and a majority core — nodes with
    /// readable disks first — is restarted and its disks' faults cleared, and the network heals. Nodes
    /// outside the core stay crashed or corrupt if the faults left them so, so convergence must not
    /// depend on them.
    /// </summary>
    private void Heal()
    {
        Healed = true;
        HealTimeMs = Scheduler.Now;
        Network.Profile = new NetworkProfile { LatencyMinMs = 1, LatencyMaxMs = 5 };
        var quorum = Cairn.Core.Raft.Quorum.Of(Nodes.Count);
        var order = Nodes.OrderBy(n => n.Disk.Corruption is null && n.Disk.RecordsFlipped == 0 ? 0 : 1).ThenBy(_ => _pointRandom.NextULong()).ToList();
        _core.AddRange(order.Take(quorum).Select(n => n.Id).OrderBy(id => id));
        // Every partition, clog and bandwidth limit heals: a one-way cut between a core node and a live
        // outsider would otherwise let an outside leader starve the core forever (Raft has no remedy).
        Network.HealAll();
        foreach (var id in _core)
        {
            var node = Nodes[id - 1];
            node.Clock.DriftPpm = 0;
            node.Disk.FullUntil = 0;
            node.Disk.FailNextSync = false;
            if (node.Runtime is null) RestartNode(id);
        }
        Mark("heal", _core.ToArray(), 0, $"network healed; core {string.Join(",", _core)} restarted");
    }

    /// <summary>
    /// Converged: a node leads, every core node has applied the leader's whole committed log, and
    /// the workload has no client operation pending and acknowledged one issued after the heal.
    /// </summary>
    private bool Converged()
    {
        var leader = Leader();
        if (leader is null || !Workload.Converged(HealTimeMs)) return false;
        foreach (var id in _core)
        {
            var raft = Nodes[id - 1].Raft;
            if (raft is null || raft.AppliedIndex != leader.CommitIndex) return false;
        }
        return true;
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
        var state = string.Join(", ", _core.Select(id =>
        {
            var r = Nodes[id - 1].Raft;
            return r is null ? $"n{id} down" : $"n{id} {r.Role} t{r.Term} commit {r.CommitIndex} applied {r.AppliedIndex}";
        }));
        var why = leader is null ? "no leader" : !Workload.Converged(HealTimeMs) ? "client operations still pending" : "core nodes have not applied the whole log";
        Violations.Report("Liveness", $"not converged {Options.LivenessBoundMs}ms after the heal at {HealTimeMs}ms: {why} [{state}]", _core.ToArray());
    }
}
