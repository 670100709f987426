using Cairn.Core.Kv.Wire;

namespace Cairn.Core.Kv;

/// <summary>The replicated lease commands: grant, revoke (deleting attached keys in one revision), expire.</summary>
internal sealed partial class KvStore
{
    internal LeaseGrantResponse Grant(LeaseGrantRequest request)
    {
        if (request.TTL > _options.LeaseTtlMaxSeconds)
        {
            throw new KvRequestException(KvErrorCode.LeaseTtlTooLarge, "lease: TTL is too large");
        }
        if (request.ID != 0 && Leases.Contains(request.ID))
        {
            throw new KvRequestException(KvErrorCode.LeaseExists, "lease already exists");
        }
        long id = request.ID != 0 ? request.ID : Leases.PickId();
        long ttl = Math.Max(request.TTL, _options.LeaseTtlMinSeconds);
        Leases.Add(id, ttl);
        return new LeaseGrantResponse { Header = Header(), ID = id, TTL = ttl };
    }

    internal LeaseRevokeResponse Revoke(long id, bool mustExist)
    {
        LeaseTable.Lease? lease = Leases.Find(id);
        if (lease is null)
        {
            return mustExist
                ? throw new KvRequestException(KvErrorCode.LeaseNotFound, "lease not found")
                : new LeaseRevokeResponse { Header = Header() };
        }
        WriteTxn txn = Begin();
        foreach (var key in lease.Keys.ToList())
        {
            txn.Delete(new DeleteRangeRequest { Key = key });
        }
        Leases.Remove(id);
        long revision = txn.End();
        return new LeaseRevokeResponse { Header = new ResponseHeader { Revision = revision } };
    }
}
