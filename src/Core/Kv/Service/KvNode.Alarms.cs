using Cairn.Core.Kv.Wire;
using Google.Protobuf;

namespace Cairn.Core.Kv.Service;

/// <summary>etcd's Maintenance.Alarm and the space quota (<see cref="KvOptions.QuotaBackendBytes"/>).</summary>
public sealed partial class KvNode
{
    /// <summary>The applied index at which this node last proposed its NOSPACE alarm (one proposal per index).</summary>
    private ulong _noSpaceRaisedAt = ulong.MaxValue;

    /// <summary>etcd Maintenance.Alarm: GET lists the raised alarms (all of them for <see cref="AlarmType.None"/>),
    /// ACTIVATE raises one, DEACTIVATE disarms one. Every action goes through the log, as in etcd, so the answer
    /// is linearizable and every member agrees on the alarms.</summary>
    /// <param name="requestId">The caller's id.</param>
    /// <param name="request">The alarm request; the reply's <see cref="KvResult.Alarm"/> lists the alarms it
    /// found, raised or disarmed.</param>
    public void Alarm(ulong requestId, AlarmRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Propose(requestId, SessionStamp.None, new KvCommand { Alarm = request });
    }

    /// <summary>
    /// etcd's quota check before a write enters the log: a command that would take the store past the quota
    /// raises this member's NOSPACE alarm (proposed through the log) and is refused with
    /// <see cref="Quota.NoSpaceMessage"/>. Commands that free space, or cost nothing, always pass.
    /// </summary>
    private bool AdmitQuota(ulong requestId, KvCommand command)
    {
        if (Quota.Available(command, StateMachine.StoreSizeBytes, StateMachine.Options.QuotaBackendBytes)) return true;
        RaiseNoSpace();
        Send(requestId, KvReplyStatus.Ok, new KvRequestException(KvErrorCode.NoSpace, Quota.NoSpaceMessage).ToResult());
        return false;
    }

    private void RaiseNoSpace()
    {
        ulong applied = Runtime.Raft.AppliedIndex;
        if (_noSpaceRaisedAt == applied || StateMachine.Alarms(AlarmType.Nospace).Any(a => a.MemberID == Runtime.Raft.Id)) return;
        _noSpaceRaisedAt = applied;
        var raise = new KvCommand { Alarm = new AlarmRequest { Action = AlarmRequest.Types.AlarmAction.Activate, MemberID = Runtime.Raft.Id, Alarm = AlarmType.Nospace } };
        Runtime.Propose(_nextInternalId++, raise.ToByteArray());
    }
}
