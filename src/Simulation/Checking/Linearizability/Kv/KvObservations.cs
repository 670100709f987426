using Cairn.Simulation.History;

namespace Cairn.Simulation.Checking.Linearizability.Kv;

/// <summary>Counts reads of (key, value) pairs that no put in the same sub-history writes.</summary>
internal static class KvObservations
{
    public static int CountUnexplained(IReadOnlyList<ModelOperation<KvRequest, KvResponse>> history)
    {
        var written = new HashSet<(string Key, string Value)>();
        foreach (ModelOperation<KvRequest, KvResponse> op in history)
        {
            AddWrites(op.Input, written);
        }

        int unexplained = 0;
        foreach (ModelOperation<KvRequest, KvResponse> op in history)
        {
            unexplained += CountReads(op.Output, written);
        }

        return unexplained;
    }

    private static void AddWrites(KvRequest request, HashSet<(string Key, string Value)> written)
    {
        if (request is PutRequest p)
        {
            written.Add((p.Key, p.Value));
        }
        else if (request is TxnRequest t)
        {
            foreach (KvRequest nested in t.Success.Concat(t.Failure))
            {
                AddWrites(nested, written);
            }
        }
    }

    private static int CountReads(KvResponse? response, HashSet<(string Key, string Value)> written) => response switch
    {
        RangeResponse r => r.Kvs.Count(kv => !written.Contains((kv.Key, kv.Value))),
        TxnResponse t => t.Responses.Sum(n => CountReads(n, written)),
        _ => 0,
    };
}
