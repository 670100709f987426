using Cairn.Core.Raft.Wire;

namespace Cairn.Core.Raft;

public sealed partial class RaftNode
{
    private readonly Dictionary<ulong, bool> _preVotes = new();
    private bool _preCampaigning;

    /// <summary>True while this node asks for pre-votes (it is still a follower in its old term).</summary>
    public bool PreCampaigning => _preCampaigning;

    /// <summary>An election timeout elapsed: with pre-vote, first ask whether a real election could be won.</summary>
    private void StartElection()
    {
        if (_options.PreVote) PreCampaign();
        else Campaign();
    }

    /// <summary>
    /// Raft thesis §9.6: ask every peer whether it would vote for us in term + 1, without raising our term
    /// or voting, so nothing needs persisting and a node that cannot win disturbs no one.
    /// </summary>
    private void PreCampaign()
    {
        BecomeFollower(Term, 0); // a candidate whose election timed out goes back to asking first; its vote stays
        Leader = 0;
        _preCampaigning = true;
        _preVotes.Clear();
        _preVotes[Id] = true;
        if (Quorum <= 1) { Campaign(); return; }
        foreach (var peer in _options.Peers)
        {
            if (peer == Id) continue;
            Send(new Message { Type = MessageType.MsgPreVote, To = peer, Term = Term + 1, Index = _log.LastIndex, LogTerm = _log.LastTerm }, afterPersist: false);
        }
    }

    /// <summary>Pre-votes and grants of them carry a term nobody has entered; they must not move ours.</summary>
    private static bool IsPreVoteTraffic(Message m) =>
        m.Type == MessageType.MsgPreVote || (m.Type == MessageType.MsgPreVoteResponse && !m.Reject);

    /// <summary>
    /// Grant when the candidate's log is up to date (§5.4.1) and we have not heard from a leader within
    /// an election timeout (leader stickiness): a live leader keeps its followers.
    /// </summary>
    private void HandlePreVote(Message m)
    {
        var leaderAlive = Leader != 0 && (Role == RaftRole.Leader || _electionElapsed < _options.ElectionTicks);
        var grant = m.Term > Term && !leaderAlive && _log.IsUpToDate(m.Index, m.LogTerm);
        Send(new Message { Type = MessageType.MsgPreVoteResponse, To = m.From, Term = grant ? m.Term : Term, Reject = !grant }, afterPersist: false);
    }

    private void HandlePreVoteResponse(Message m)
    {
        if (!_preCampaigning || Role != RaftRole.Follower) return;
        if (!m.Reject && m.Term != Term + 1) return; // a grant for an older pre-campaign
        _preVotes[m.From] = !m.Reject;
        var granted = _preVotes.Values.Count(v => v);
        var rejected = _preVotes.Values.Count(v => !v);
        if (granted >= Quorum) Campaign();
        else if (rejected >= Quorum) _preCampaigning = false;
    }
}
