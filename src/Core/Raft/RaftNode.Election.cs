using Cairn.Core.Raft.Wire;

namespace Cairn.Core.Raft;

public sealed partial class RaftNode
{
    private int _grantMessages;
    private bool _campaignIsTransfer;

    /// <summary>Raft §5.2: a follower whose election timeout elapsed becomes a candidate and asks for votes.</summary>
    private void Campaign(bool leaderTransfer = false)
    {
        BecomeCandidate();
        _campaignIsTransfer = leaderTransfer;
        _votes[Id] = true;
        _grantMessages = 1;
        // A one-voter cluster elects itself, but only once its term and self-vote are durable (see
        // OnHardStatePersisted): leading on a volatile vote would let a crash reuse the term for another log.
        if (Quorum <= 1) return;
        RetryVoteRequests();
    }

    /// <summary>Raft §5.1: RPCs are retried until answered, so a candidate re-asks every peer that has not voted.</summary>
    private void RetryVoteRequests()
    {
        foreach (var peer in _options.Peers)
        {
            if (peer == Id || _votes.ContainsKey(peer)) continue;
            // Sent only once our term and self-vote are durable, so no grant can precede them.
            Send(new Message { Type = MessageType.MsgVote, To = peer, Index = _log.LastIndex, LogTerm = _log.LastTerm, LeaderTransfer = _campaignIsTransfer }, afterPersist: true);
        }
    }

    /// <summary>Raft §5.2 and §5.4.1: one vote per term, only for a candidate whose log is at least as up to date.</summary>
    private void HandleVote(Message m)
    {
        var free = Vote == m.From || (Vote == 0 && Leader == 0) || _bugs.DoubleVote;
        var upToDate = _log.IsUpToDate(m.Index, m.LogTerm) || (_bugs.TransferWithoutCatchup && m.LeaderTransfer);
        if (free && upToDate)
        {
            Invariant.Holds(m.Term == Term || _bugs.BreaksSafety, "a vote is granted in the candidate's term: message term {0}, ours {1}", m.Term, Term);
            Vote = m.From;
            _electionElapsed = 0;
            Send(new Message { Type = MessageType.MsgVoteResponse, To = m.From }, afterPersist: true);
            return;
        }
        Send(new Message { Type = MessageType.MsgVoteResponse, To = m.From, Reject = true }, afterPersist: false);
    }

    private void HandleVoteResponse(Message m)
    {
        if (Role != RaftRole.Candidate) return;
        _votes[m.From] = !m.Reject;
        if (!m.Reject) _grantMessages++;
        var granted = _bugs.CountDuplicateVotes ? _grantMessages : _votes.Values.Count(v => v);
        var rejected = _votes.Values.Count(v => !v);
        if (granted >= Quorum) BecomeLeader();
        else if (rejected >= Quorum) BecomeFollower(Term, 0);
    }

    /// <summary>Raft §5.3 and §8: a new leader resets follower progress and appends a no-op of its own term.</summary>
    private void BecomeLeader()
    {
        Invariant.Holds(Role == RaftRole.Candidate || Quorum <= 1 || _bugs.BreaksSafety, "only a candidate becomes leader (term {0})", Term);
        Invariant.Holds(Vote == Id || Quorum <= 1 || _bugs.BreaksSafety, "a leader voted for itself in its term {0}", Term);
        Role = RaftRole.Leader;
        Leader = Id;
        _progress.Clear();
        foreach (var peer in _options.Peers)
            if (peer != Id) _progress[peer] = new Progress(_log.LastIndex + 1) { RecentActive = true };
        ResetTimers();
        _termStartIndex = _log.LastIndex + 1;
        _uncommittedBytes = _log.BytesBetween(_log.Committed, _log.LastIndex);
        _log.Append(new Entry { Term = Term, Index = _log.LastIndex + 1, Type = EntryType.EntryNoop });
        Invariant.Holds(_log.LastIndex == _termStartIndex && _log.LastTerm == Term, "a new leader's no-op opens its term at {0} (term {1})", _termStartIndex, Term);
        BroadcastAppend(sendIfEmpty: true);
    }
}
