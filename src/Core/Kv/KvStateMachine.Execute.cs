using Cairn.Core.Kv.Wire;

namespace Cairn.Core.Kv;

/// <summary>Dispatch of one replicated command to the store, the session table and the lessor.</summary>
public sealed partial class KvStateMachine
{
    private KvResult Execute(ulong index, KvCommand command, int size)
    {
        try
        {
            if (size > _options.RequestBytesMax)
            {
                throw new KvRequestException(KvErrorCode.RequestTooLarge,
                    $"etcdserver: request is too large ({size} > {_options.RequestBytesMax} bytes)");
            }
            RefuseWhenCapped(command);
            return Dispatch(index, command);
        }
        catch (KvRequestException e)
        {
            return e.ToResult();
        }
    }

    private KvResult Dispatch(ulong index, KvCommand command)
    {
        switch (command.RequestCase)
        {
            case KvCommand.RequestOneofCase.Put: return new KvResult { Put = _store.Put(command.Put) };
            case KvCommand.RequestOneofCase.DeleteRange: return new KvResult { DeleteRange = _store.DeleteRange(command.DeleteRange) };
            case KvCommand.RequestOneofCase.Txn: return new KvResult { Txn = _store.Txn(command.Txn) };
            case KvCommand.RequestOneofCase.Compaction: return new KvResult { Compaction = _store.Compact(command.Compaction) };
            case KvCommand.RequestOneofCase.LeaseGrant:
                LeaseGrantResponse granted = _store.Grant(command.LeaseGrant);
                Lessor.OnGranted(granted.ID, granted.TTL);
                return new KvResult { LeaseGrant = granted };
            case KvCommand.RequestOneofCase.LeaseRevoke:
                LeaseRevokeResponse revoked = _store.Revoke(command.LeaseRevoke.ID, mustExist: true);
                Lessor.OnRevoked(command.LeaseRevoke.ID);
                return new KvResult { LeaseRevoke = revoked };
            case KvCommand.RequestOneofCase.LeaseExpire:
                LeaseRevokeResponse expired = _store.Revoke(command.LeaseExpire.ID, mustExist: false);
                Lessor.OnRevoked(command.LeaseExpire.ID);
                return new KvResult { LeaseExpire = expired };
            case KvCommand.RequestOneofCase.RegisterSession:
                ulong clientId = _sessions.Register(index);
                return new KvResult { RegisterSession = new RegisterSessionResponse { Header = new ResponseHeader { Revision = Revision }, ClientId = clientId } };
            case KvCommand.RequestOneofCase.Alarm:
                return new KvResult { Alarm = ApplyAlarm(command.Alarm) };
            default:
                throw new KvRequestException(KvErrorCode.EmptyCommand, "command carries no request");
        }
    }
}
