using Cairn.Simulation.History;

namespace Cairn.Simulation.Checking.Linearizability.Kv;

/// <summary>
/// Finds operations whose replies presuppose writes missing from a sub-history: a read of a
/// (key, value) nobody puts, a version above the number of puts to the key, a successful guard on
/// a key nobody puts (or on a value nobody puts), a delete that removed keys nobody put.
/// Shrinking uses it to keep the writes a counterexample depends on.
/// </summary>
internal static class KvObservations
{
    public static IReadOnlyList<int> Unexplained(IReadOnlyList<ModelOperation<KvRequest, KvResponse>> history)
    {
        var puts = new Writes();
        foreach (ModelOperation<KvRequest, KvResponse> op in history)
        {
            puts.Add(op.Input, op.Output);
        }

        var ids = new List<int>();
        foreach (ModelOperation<KvRequest, KvResponse> op in history)
        {
            if (op.Output is not null && !Explained(op.Input, op.Output, puts))
            {
                ids.Add(op.Id);
            }
        }

        ids.Sort();
        return ids;
    }

    private static bool Explained(KvRequest request, KvResponse response, Writes puts) => (request, response) switch
    {
        (RangeRequest, RangeResponse r) => r.Kvs.All(kv => puts.Wrote(kv.Key, kv.Value) && kv.Version <= puts.CountTo(kv.Key)),
        (DeleteRequest d, DeleteResponse r) => r.Deleted == 0 || puts.AnyIn(d.Key, d.RangeEnd),
        (TxnRequest t, TxnResponse r) => (!r.Succeeded || t.Compares.All(puts.Supports)) && NestedExplained(t, r, puts),
        _ => true,
    };

    private static bool NestedExplained(TxnRequest t, TxnResponse r, Writes puts)
    {
        IReadOnlyList<KvRequest> branch = r.Succeeded ? t.Success : t.Failure;
        return branch.Count != r.Responses.Count || branch.Zip(r.Responses).All(p => Explained(p.First, p.Second, puts));
    }

    private sealed class Writes
    {
        private readonly HashSet<(string Key, string Value)> pairs = [];
        private readonly Dictionary<string, int> countByKey = new(StringComparer.Ordinal);

        /// <summary>Counts the puts that can have taken effect: for a transaction with a known reply, only its branch.</summary>
        public void Add(KvRequest request, KvResponse? response)
        {
            if (request is PutRequest p)
            {
                pairs.Add((p.Key, p.Value));
                countByKey[p.Key] = CountTo(p.Key) + 1;
            }
            else if (request is TxnRequest t)
            {
                IEnumerable<KvRequest> taken = response is TxnResponse r ? (r.Succeeded ? t.Success : t.Failure) : t.Success.Concat(t.Failure);
                foreach (KvRequest nested in taken)
                {
                    Add(nested, null);
                }
            }
        }

        public bool Wrote(string key, string value) => pairs.Contains((key, value));

        public int CountTo(string key) => countByKey.GetValueOrDefault(key);

        public bool AnyIn(string start, string? end) => countByKey.Keys.Any(k => KeyRange.Contains(start, end, k));

        public bool Supports(TxnCompare c) =>
            c.Target == CompareTarget.Value && c.Operator == CompareOperator.Equal ? Wrote(c.Key, c.Value ?? string.Empty)
            : CountTo(c.Key) > 0 || (c.Target != CompareTarget.Value && Holds0(c));

        /// <summary>A guard on a field of a key nobody wrote compares 0 with the operand.</summary>
        private static bool Holds0(TxnCompare c) => c.Operator switch
        {
            CompareOperator.Equal => c.Number == 0,
            CompareOperator.NotEqual => c.Number != 0,
            CompareOperator.Greater => 0 > c.Number,
            _ => 0 < c.Number,
        };
    }
}
