using Cairn.Core.Kv.Wire;

namespace Cairn.Core.Kv;

/// <summary>
/// The stateless checks etcd's gRPC layer makes before a request reaches the store
/// (etcdserver/api/v3rpc/key.go): empty keys, contradictory put flags, txn size.
/// </summary>
internal static class RequestChecks
{
    internal static void CheckRange(RangeRequest r)
    {
        RequireKey(r.Key.Length);
    }

    internal static void CheckPut(PutRequest r)
    {
        RequireKey(r.Key.Length);
        if (r.IgnoreValue && r.Value.Length != 0)
        {
            throw new KvRequestException(KvErrorCode.ValueProvided, "etcdserver: value is provided");
        }
        if (r.IgnoreLease && r.Lease != 0)
        {
            throw new KvRequestException(KvErrorCode.LeaseProvided, "etcdserver: lease is provided");
        }
    }

    internal static void CheckDelete(DeleteRangeRequest r)
    {
        RequireKey(r.Key.Length);
    }

    /// <summary>etcd's checkTxnRequest plus checkIntervals on both branches.</summary>
    internal static void CheckTxn(TxnRequest r, int txnOpsMax)
    {
        CheckTxnShape(r, txnOpsMax);
        TxnConflicts.Check(r.Success);
        TxnConflicts.Check(r.Failure);
    }

    private static void CheckTxnShape(TxnRequest r, int txnOpsMax)
    {
        int opc = Math.Max(r.Compare.Count, Math.Max(r.Success.Count, r.Failure.Count));
        if (opc > txnOpsMax)
        {
            throw new KvRequestException(KvErrorCode.TooManyOps, "etcdserver: too many operations in txn request");
        }
        foreach (Compare c in r.Compare)
        {
            RequireKey(c.Key.Length);
        }
        foreach (RequestOp op in r.Success.Concat(r.Failure))
        {
            CheckOp(op, txnOpsMax - opc);
        }
    }

    private static void CheckOp(RequestOp op, int txnOpsMax)
    {
        switch (op.RequestCase)
        {
            case RequestOp.RequestOneofCase.RequestRange: CheckRange(op.RequestRange); break;
            case RequestOp.RequestOneofCase.RequestPut: CheckPut(op.RequestPut); break;
            case RequestOp.RequestOneofCase.RequestDeleteRange: CheckDelete(op.RequestDeleteRange); break;
            case RequestOp.RequestOneofCase.RequestTxn: CheckTxnShape(op.RequestTxn, txnOpsMax); break;
            default: throw new KvRequestException(KvErrorCode.MalformedCommand, "txn op without a request");
        }
    }

    private static void RequireKey(int length)
    {
        if (length == 0)
        {
            throw new KvRequestException(KvErrorCode.EmptyKey, "etcdserver: key is not provided");
        }
    }
}
