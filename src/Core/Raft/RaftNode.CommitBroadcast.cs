using Cairn.Core.Raft.Wire;

namespace Cairn.Core.Raft;

public sealed partial class RaftNode
{
    /// <summary>The leader's commit index advanced since the last Ready; followers have not all been told.</summary>
    private bool _commitBroadcastDue;

    private bool CommitBroadcastDue => _commitBroadcastDue && Role == RaftRole.Leader;

    /// <summary>
    /// Tells every follower the leader's new commit index as soon as it advances, rather than at the next
    /// heartbeat (etcd-raft: <c>if r.maybeCommit() { r.bcastAppend() }</c>): a follower answers forwarded writes and
    /// serves reads only once it applies, so waiting a heartbeat interval adds that interval to each of them.
    /// Coalesced per Ready: however many times the commit advanced, each follower gets at most one append, and none
    /// when this Ready already carries it an append with the new commit (entries sent after the advance). Safety is
    /// untouched (Raft §5.3): the follower still commits only min(leaderCommit, what the append verified).
    /// </summary>
    private void BroadcastCommit()
    {
        _commitBroadcastDue = false;
        if (Role != RaftRole.Leader) return;
        foreach (var peer in _options.Peers)
        {
            if (peer == Id || CommitAlreadyOnItsWay(peer)) continue;
            var pr = _progress[peer];
            // A follower behind the snapshot learns the commit when its snapshot lands; no extra chunk for it.
            if (pr.SnapshotIndex != 0 || pr.Next <= _log.SnapshotIndex) continue;
            SendAppend(peer, sendIfEmpty: true);
        }
    }

    private bool CommitAlreadyOnItsWay(ulong peer)
    {
        foreach (var m in _messagesNow)
            if (m.To == peer && m.Type == MessageType.MsgAppend && m.Commit >= _log.Committed) return true;
        return false;
    }
}
