namespace Cairn.Core.Kv.Service;

/// <summary>etcd Maintenance.MoveLeader through leadership transfer in the Raft core (thesis §3.10).</summary>
public sealed partial class KvNode
{
    /// <summary>etcd's error when MoveLeader reaches a member that is not the leader (rpctypes.ErrGRPCNotLeader).</summary>
    public const string NotLeaderError = "etcdserver: not leader";

    /// <summary>etcd's error when the MoveLeader target is not a voting member (rpctypes.ErrGRPCBadLeaderTransferee).</summary>
    public const string BadLeaderTransfereeError = "etcdserver: bad leader transferee";

    /// <summary>etcd's error when the transfer did not complete in time (rpctypes.ErrGRPCTimeoutLeaderTransfer);
    /// the caller raises it when <see cref="Runtime"/>'s leader has not become the target by its deadline.</summary>
    public const string LeaderTransferTimeoutError = "etcdserver: request timed out, leader transfer took too long";

    /// <summary>
    /// etcd MoveLeader: starts handing leadership to member <paramref name="targetId"/>. Returns null when the
    /// transfer started or the target already leads; otherwise <see cref="NotLeaderError"/> or
    /// <see cref="BadLeaderTransfereeError"/>. The transfer has succeeded once <c>Runtime.Raft.Leader</c> equals
    /// the target; the leader abandons it after an election timeout (answer <see cref="LeaderTransferTimeoutError"/>).
    /// </summary>
    /// <param name="targetId">The member id to hand leadership to.</param>
    public string? MoveLeader(ulong targetId)
    {
        ObserveLeadership();
        if (Runtime.Stopped || Runtime.Raft.Role != Raft.RaftRole.Leader)
        {
            return NotLeaderError;
        }
        if (!Runtime.Raft.Peers.Contains(targetId))
        {
            return BadLeaderTransfereeError;
        }
        return Runtime.TransferLeadership(targetId) is null ? null : NotLeaderError;
    }
}
