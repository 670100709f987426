using Cairn.Core.Raft;
using Cairn.Simulation.Reporting;

namespace Cairn.Simulation.World;

public sealed partial class SimWorld
{
    private readonly string[] _lastRole = new string[10];
    private readonly ulong[] _lastTerm = new ulong[10];

    /// <summary>The timeline being recorded for an HTML report, or null when not recording.</summary>
    public Timeline? Timeline { get; private set; }

    private void StartTimeline()
    {
        if (!Options.RecordTimeline) return;
        Timeline = new Timeline { Seed = Options.Seed, Nodes = Nodes.Count, ReplayCommand = Options.ReplayCommand() };
    }

    /// <summary>Records a fault or lifecycle mark in the trace and the timeline.</summary>
    public void Mark(string kind, IReadOnlyList<int> nodes, long durationMs, string detail)
    {
        Trace(kind, nodes.Count > 0 ? nodes[0] : 0, durationMs);
        Timeline?.Faults.Add(new FaultMark(Scheduler.Now, kind, nodes, durationMs, detail));
    }

    /// <summary>Records a role or term change of <paramref name="node"/> (a down node has role "down").</summary>
    private void RecordRole(SimNode node)
    {
        if (Timeline is null) return;
        var raft = node.Up ? node.Raft : null;
        var role = raft is null ? "down" : raft.Role switch { RaftRole.Leader => "leader", RaftRole.Candidate => "candidate", _ => "follower" };
        var term = raft?.Term ?? 0;
        if (_lastRole[node.Id] == role && _lastTerm[node.Id] == term) return;
        _lastRole[node.Id] = role;
        _lastTerm[node.Id] = term;
        Timeline.Roles.Add(new RoleSegment(node.Id, Scheduler.Now, role, term));
    }

    /// <summary>Records a vote reply leaving <paramref name="node"/> (Raft §5.2), so a report shows why a leader won.</summary>
    private void RecordVote(ulong node, Cairn.Core.Raft.Wire.Message message)
    {
        if (Timeline is null || message.Type != Cairn.Core.Raft.Wire.MessageType.MsgVoteResponse || Timeline.Votes.Count >= Timeline.VotesMax) return;
        Timeline.Votes.Add(new VoteReply(Scheduler.Now, (int)node, (int)message.To, message.Term, !message.Reject));
    }

    private void FinishTimeline()
    {
        if (Timeline is null) return;
        Timeline.EndMs = Scheduler.Now;
        Timeline.HealMs = HealTimeMs;
        foreach (var v in Violations.All) Timeline.Violations.Add((v.TimeMs, v.ToString()));
        Workload.Describe(Timeline);
    }
}
