using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;

namespace Cairn.Simulation.Checking;

public sealed partial class SafetyChecker
{
    private readonly Dictionary<(int Voter, ulong Term), ulong> _grants = new();

    /// <summary>
    /// Raft Figure 2: votedFor is persistent, so a server grants at most one vote per term, across restarts.
    /// Raft §5.4.2: a leader commits by counting replicas only entries of its current term.
    /// </summary>
    private void CheckOutputs(ulong node, Ready ready)
    {
        foreach (var m in ready.MessagesAfterPersist) CheckGrant((int)node, m);
        foreach (var m in ready.MessagesNow) CheckGrant((int)node, m);
    }

    private void CheckGrant(int node, Message m)
    {
        if (m.Type != MessageType.MsgVoteResponse || m.Reject) return;
        if (_grants.TryGetValue((node, m.Term), out var earlier))
        {
            if (earlier != m.To)
                _violations.Report("VoteOncePerTerm", $"node {node} granted votes to {earlier} and {m.To} in term {m.Term}", node);
        }
        else _grants[(node, m.Term)] = m.To;
    }

    private void CheckLeaderCommit(int node, RaftNode raft, NodeTrack track)
    {
        var wasLeaderThisTerm = track.Role == RaftRole.Leader && track.Term == raft.Term && track.Incarnation != 0;
        if (!wasLeaderThisTerm || raft.CommitIndex <= track.Commit) return;
        var term = raft.TermAt(raft.CommitIndex);
        if (term != raft.Term)
            _violations.Report("LeaderCommitsCurrentTerm",
                $"leader of term {raft.Term} advanced its commit index to {raft.CommitIndex}, an entry of term {term}", node);
    }
}
