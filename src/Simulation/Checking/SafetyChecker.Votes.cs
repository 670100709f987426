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
    /// <inheritdoc />
    public void OnSent(ulong node, Message m) => CheckGrant((int)node, m);

    /// <summary>Grants are recorded when they leave the node: one prepared but lost in a crash was never cast.</summary>
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

    /// <summary>Raft §5.2: a leader won votes from a majority of distinct servers in its term (itself included).</summary>
    private void CheckLeaderVotes(int node, RaftNode raft)
    {
        if (_nodes.Count == 1) return;
        var votes = 1;
        foreach (var voter in _nodes)
            if (voter.Id != node && _grants.TryGetValue((voter.Id, raft.Term), out var candidate) && candidate == (ulong)node) votes++;
        var quorum = Cairn.Core.Raft.Quorum.Of(_nodes.Count);
        if (votes < quorum)
            _violations.Report("LeaderHasQuorumOfVotes", $"node {node} leads term {raft.Term} with {votes} distinct votes; a majority is {quorum}", node);
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
