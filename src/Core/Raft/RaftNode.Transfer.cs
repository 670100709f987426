using Cairn.Core.Raft.Wire;

namespace Cairn.Core.Raft;

/// <summary>
/// Leadership transfer (Raft thesis §3.10; etcd-raft MsgTransferLeader and MsgTimeoutNow): the leader stops
/// accepting proposals, brings the target's log up to date, then sends TimeoutNow; the target campaigns at
/// once, skipping pre-vote. If the target has not taken over within an election timeout, the transfer is
/// abandoned and the leader accepts proposals again.
/// </summary>
public sealed partial class RaftNode
{
    private ulong _transferTarget;
    private int _transferElapsed;

    /// <summary>The member this leader is handing leadership to, or 0 when no transfer is in progress.</summary>
    public ulong TransferTarget => _transferTarget;

    /// <summary>
    /// Starts handing leadership to <paramref name="target"/> (thesis §3.10). Returns null when the transfer
    /// started (or <paramref name="target"/> already leads), else why it cannot: this node is not the leader,
    /// or the target is not a member. A new request replaces a transfer in progress.
    /// </summary>
    public string? TransferLeadership(ulong target)
    {
        if (Role != RaftRole.Leader) return "not leader";
        if (!_options.Peers.Contains(target)) return $"transfer target {target} is not a member";
        if (target == Id) return null;
        _transferTarget = target;
        _transferElapsed = 0;
        var pr = _progress[target];
        if (pr.Match == _log.LastIndex || _bugs.TransferWithoutCatchup) SendTimeoutNow(target);
        else SendAppend(target, sendIfEmpty: true);
        return null;
    }

    /// <summary>The target acknowledged an append: once its log matches ours, tell it to campaign.</summary>
    private void MaybeSendTimeoutNow(ulong from)
    {
        if (_transferTarget != from || _progress[from].Match != _log.LastIndex) return;
        SendTimeoutNow(from);
    }

    private void SendTimeoutNow(ulong target) =>
        Send(new Message { Type = MessageType.MsgTimeoutNow, To = target }, afterPersist: false);

    /// <summary>A transfer that has not completed within an election timeout is abandoned.</summary>
    private void TickTransfer()
    {
        if (_transferTarget == 0 || ++_transferElapsed < _options.ElectionTicks) return;
        _transferTarget = 0;
        _transferElapsed = 0;
    }

    /// <summary>The leader chose us: campaign now, without pre-vote, flagging the votes as a transfer so
    /// that voters do not hold to the current leader (§3.10).</summary>
    private void HandleTimeoutNow(Message m)
    {
        if (Role == RaftRole.Leader || m.From != Leader) return;
        Campaign(leaderTransfer: true);
    }
}
