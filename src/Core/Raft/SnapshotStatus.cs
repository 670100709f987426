namespace Cairn.Core.Raft;

/// <summary>How the transport's delivery of a snapshot to a follower ended (etcd-raft <c>SnapshotStatus</c>);
/// see <see cref="RaftNode.ReportSnapshot"/>.</summary>
public enum SnapshotStatus
{
    /// <summary>The transport delivered the whole snapshot; the leader waits for the follower's acknowledgement.</summary>
    Finish,
    /// <summary>The transport gave up on the snapshot (the follower is unreachable, the stream broke): the leader
    /// aborts the transfer and retries from probe.</summary>
    Failure,
}
