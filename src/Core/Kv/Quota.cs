using Cairn.Core.Kv.Wire;

namespace Cairn.Core.Kv;

/// <summary>
/// etcd's backend quota (<c>--quota-backend-bytes</c>): what a request would add to the store. A request that
/// costs nothing (a delete, a compaction, a read) always passes; one that costs more than the space left raises
/// the NOSPACE alarm and is refused with <see cref="NoSpaceMessage"/>.
/// </summary>
public static class Quota
{
    /// <summary>etcd's error string for a write refused while the space quota is exhausted.</summary>
    public const string NoSpaceMessage = "etcdserver: mvcc: database space exceeded";

    /// <summary>etcd's estimate of a key's metadata cost (kvOverhead).</summary>
    public const int KvOverheadBytes = 256;

    /// <summary>etcd's estimate of a lease's cost (leaseOverhead).</summary>
    public const int LeaseOverheadBytes = 64;

    /// <summary>The bytes <paramref name="command"/> would add: a put its size plus the key overhead, a txn the
    /// larger of its two branches' puts, a lease grant the lease overhead, anything else nothing (etcd's Cost).</summary>
    public static long Cost(KvCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return command.RequestCase switch
        {
            KvCommand.RequestOneofCase.Put => KvOverheadBytes + command.Put.CalculateSize(),
            KvCommand.RequestOneofCase.Txn => Math.Max(BranchCost(command.Txn.Success), BranchCost(command.Txn.Failure)),
            KvCommand.RequestOneofCase.LeaseGrant => LeaseOverheadBytes,
            _ => 0,
        };
    }

    /// <summary>True when <paramref name="command"/> fits: it costs nothing, or the store plus its cost stays
    /// below <paramref name="quotaBytes"/>.</summary>
    public static bool Available(KvCommand command, long storeBytes, long quotaBytes)
    {
        long cost = Cost(command);
        return cost == 0 || storeBytes + cost < quotaBytes;
    }

    private static long BranchCost(IEnumerable<RequestOp> ops) =>
        ops.Where(op => op.RequestCase == RequestOp.RequestOneofCase.RequestPut).Sum(op => (long)KvOverheadBytes + op.RequestPut.CalculateSize());
}
