using Cairn.Simulation.History;

namespace Cairn.Simulation.Checking.Linearizability.Benchmark;

/// <summary>
/// A plain sequential etcd-semantics store (global revision counter, versions, create/mod
/// revisions, transactions), written independently of <see cref="Kv.KvModel"/> so that generated
/// histories test the model rather than echo it.
/// </summary>
public sealed class ReferenceKvStore
{
    private readonly SortedDictionary<string, KeyValue> keys = new(StringComparer.Ordinal);

    /// <summary>The current store revision (1 before any write, as in etcd).</summary>
    public long Revision { get; private set; } = 1;

    /// <summary>Applies a request and returns the reply etcd would give.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The reply.</returns>
    public KvResponse Apply(KvRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request is TxnRequest t)
        {
            return ApplyTxn(t);
        }

        var pending = new List<KvResponse>(1);
        bool wrote = ApplyNested(request, Revision + 1, pending);
        Revision += wrote ? 1 : 0;
        return pending[0] switch
        {
            RangeResponse r => r with { },
            PutResponse => new PutResponse(Revision),
            DeleteResponse d => new DeleteResponse(Revision, d.Deleted),
            _ => pending[0],
        };
    }

    private TxnResponse ApplyTxn(TxnRequest t)
    {
        bool succeeded = t.Compares.All(Holds);
        var responses = new List<KvResponse>();
        bool wrote = false;
        foreach (KvRequest op in succeeded ? t.Success : t.Failure)
        {
            wrote |= ApplyNested(op, Revision + 1, responses);
        }

        Revision += wrote ? 1 : 0;
        return new TxnResponse(Revision, succeeded, responses);
    }

    private bool ApplyNested(KvRequest op, long writeRevision, List<KvResponse> responses)
    {
        switch (op)
        {
            case PutRequest p:
                keys[p.Key] = keys.TryGetValue(p.Key, out KeyValue? old)
                    ? old with { Value = p.Value, ModRevision = writeRevision, Version = old.Version + 1 }
                    : new KeyValue(p.Key, p.Value, writeRevision, writeRevision, 1);
                responses.Add(new PutResponse(writeRevision));
                return true;
            case DeleteRequest d:
                string[] doomed = [.. keys.Keys.Where(k => Kv.KeyRange.Contains(d.Key, d.RangeEnd, k))];
                Array.ForEach(doomed, k => keys.Remove(k));
                responses.Add(new DeleteResponse(doomed.Length > 0 ? writeRevision : Revision, doomed.Length));
                return doomed.Length > 0;
            case RangeRequest { RangeEnd: null } g:
                responses.Add(new RangeResponse(Revision, keys.TryGetValue(g.Key, out KeyValue? one) ? [one] : []));
                return false;
            case RangeRequest r:
                responses.Add(new RangeResponse(Revision, [.. keys.Values.Where(kv => Kv.KeyRange.Contains(r.Key, r.RangeEnd, kv.Key))]));
                return false;
            default:
                throw new ArgumentException("transactions do not nest", nameof(op));
        }
    }

    private bool Holds(TxnCompare c)
    {
        if (!keys.TryGetValue(c.Key, out KeyValue? kv))
        {
            return c.Target != CompareTarget.Value && Relation(c.Operator, 0L.CompareTo(c.Number));
        }

        int sign = c.Target switch
        {
            CompareTarget.Value => Math.Sign(string.CompareOrdinal(kv.Value, c.Value)),
            CompareTarget.Version => kv.Version.CompareTo(c.Number),
            CompareTarget.CreateRevision => kv.CreateRevision.CompareTo(c.Number),
            _ => kv.ModRevision.CompareTo(c.Number),
        };
        return Relation(c.Operator, sign);
    }

    private static bool Relation(CompareOperator op, int sign) => op switch
    {
        CompareOperator.Equal => sign == 0,
        CompareOperator.NotEqual => sign != 0,
        CompareOperator.Greater => sign > 0,
        _ => sign < 0,
    };
}
