using Cairn.Core.Raft.Wire;

namespace Cairn.Core.Raft;

public sealed partial class RaftNode
{
    /// <summary>Raft §5.3: the consistency check on (prevIndex, prevTerm), truncation of conflicts, and
    /// commit = min(leaderCommit, last index verified by this append).</summary>
    private void HandleAppend(Message m)
    {
        FollowLeader(m.From);
        if (m.Index < _log.Committed)
        {
            Send(new Message { Type = MessageType.MsgAppendResponse, To = m.From, Index = _log.Committed }, afterPersist: true);
            return;
        }
        if (!_log.MatchTerm(m.Index, m.LogTerm))
        {
            // The canary trusts leaderCommit even though nothing of this append was verified.
            if (_bugs.CommitBeyondVerified) _log.CommitTo(Math.Min(m.Commit, _log.LastIndex));
            Send(new Message { Type = MessageType.MsgAppendResponse, To = m.From, Index = m.Index, Reject = true, RejectHint = _log.LastIndex }, afterPersist: false);
            return;
        }
        Invariant.Holds(m.Index >= _log.Committed, "an append verified here starts at or after the commit index: prev {0}, commit {1}", m.Index, _log.Committed);
        var verified = _log.AppendVerified(m.Index, m.Entries, truncateOnConflict: !_bugs.NoTruncateOnConflict);
        Invariant.Holds(verified <= _log.LastIndex, "the verified prefix {0} lies within the log (last {1})", verified, _log.LastIndex);
        var commitLimit = _bugs.CommitBeyondVerified ? _log.LastIndex : verified;
        _log.CommitTo(Math.Min(m.Commit, commitLimit));
        Send(new Message { Type = MessageType.MsgAppendResponse, To = m.From, Index = verified }, afterPersist: true);
    }

    /// <summary>The leader sends commit = min(its commit, our match), so it is within our verified prefix.</summary>
    private void HandleHeartbeat(Message m)
    {
        FollowLeader(m.From);
        if (_bugs.CommitIndexRegresses && m.Commit < _log.Committed) _log.ForceCommit(m.Commit);
        else _log.CommitTo(Math.Min(m.Commit, _log.LastIndex));
        var (snapshotIndex, snapshotOffset) = SnapshotProgressFor(m.From);
        Send(new Message { Type = MessageType.MsgHeartbeatResponse, To = m.From, Context = m.Context, Index = snapshotIndex, SnapshotOffset = snapshotOffset }, afterPersist: false);
    }

    private void FollowLeader(ulong leader)
    {
        if (Role != RaftRole.Follower || Leader != leader)
        {
            BecomeFollower(Term, leader);
        }
        _electionElapsed = 0;
    }
}
