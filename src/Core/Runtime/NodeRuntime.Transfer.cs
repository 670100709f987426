namespace Cairn.Core.Runtime;

/// <summary>Leadership transfer (Raft thesis §3.10), for an operator's MoveLeader.</summary>
public sealed partial class NodeRuntime
{
    /// <summary>
    /// Starts handing leadership to member <paramref name="target"/>: the leader stops accepting proposals,
    /// brings the target up to date and tells it to campaign at once; after an election timeout without
    /// success the transfer is abandoned. Returns null when the transfer started (or the target already
    /// leads), else why not: "not leader" on a non-leader, or that the target is not a member. Completion
    /// shows as <see cref="Raft.RaftNode.Leader"/> becoming <paramref name="target"/>.
    /// </summary>
    public string? TransferLeadership(ulong target)
    {
        if (Stopped) return "node stopped";
        var error = Raft.TransferLeadership(target);
        Drain();
        return error;
    }
}
