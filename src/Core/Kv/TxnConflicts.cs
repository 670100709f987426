using Cairn.Core.Kv.Wire;
using Google.Protobuf;

namespace Cairn.Core.Kv;

/// <summary>
/// etcd's checkIntervals: within one txn branch (nested txns included) a key may be written at
/// most once. A put may not repeat a put nor fall inside a delete range; deletes may overlap each
/// other; the then/else branches of a nested txn are exclusive so they may repeat each other.
/// Unlike etcd, a range_end of "\0" counts as unbounded here too.
/// </summary>
internal static class TxnConflicts
{
    internal static void Check(IEnumerable<RequestOp> ops) => Collect(ops.ToList());

    private static (SortedSet<ByteString> Puts, List<KeyRange> Deletes) Collect(List<RequestOp> ops)
    {
        var deletes = new List<KeyRange>();
        foreach (RequestOp op in ops.Where(o => o.RequestCase == RequestOp.RequestOneofCase.RequestDeleteRange))
        {
            deletes.Add(KeyRange.From(op.RequestDeleteRange.Key, op.RequestDeleteRange.RangeEnd));
        }
        var puts = new SortedSet<ByteString>(KeyOrder.Instance);
        foreach (RequestOp op in ops.Where(o => o.RequestCase == RequestOp.RequestOneofCase.RequestTxn))
        {
            var (putsThen, delsThen) = Collect(op.RequestTxn.Success.ToList());
            var (putsElse, delsElse) = Collect(op.RequestTxn.Failure.ToList());
            foreach (ByteString key in putsThen)
            {
                Reject(puts.Contains(key) || Deleted(deletes, key));
                puts.Add(key);
            }
            foreach (ByteString key in putsElse)
            {
                Reject((puts.Contains(key) && !putsThen.Contains(key)) || Deleted(deletes, key));
                puts.Add(key);
            }
            deletes.AddRange(delsThen);
            deletes.AddRange(delsElse);
        }
        foreach (RequestOp op in ops.Where(o => o.RequestCase == RequestOp.RequestOneofCase.RequestPut))
        {
            ByteString key = op.RequestPut.Key;
            Reject(puts.Contains(key) || Deleted(deletes, key));
            puts.Add(key);
        }
        return (puts, deletes);
    }

    private static bool Deleted(List<KeyRange> deletes, ByteString key) => deletes.Any(d => d.Contains(key));

    private static void Reject(bool conflict)
    {
        if (conflict)
        {
            throw new KvRequestException(KvErrorCode.DuplicateKeyInTxn, "etcdserver: duplicate key given in txn request");
        }
    }
}
