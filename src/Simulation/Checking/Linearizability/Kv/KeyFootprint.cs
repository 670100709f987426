using Cairn.Simulation.History;

namespace Cairn.Simulation.Checking.Linearizability.Kv;

/// <summary>The keys and key ranges an operation reads, writes, compares or observes.</summary>
internal static class KeyFootprint
{
    public static void Collect(KvRequest request, KvResponse? response, List<string> points, List<(string Start, string End)> ranges)
    {
        CollectRequest(request, points, ranges);
        CollectResponse(response, points);
    }

    private static void CollectRequest(KvRequest request, List<string> points, List<(string Start, string End)> ranges)
    {
        switch (request)
        {
            case RangeRequest r:
                AddRange(r.Key, r.RangeEnd, points, ranges);
                break;
            case PutRequest p:
                points.Add(p.Key);
                break;
            case DeleteRequest d:
                AddRange(d.Key, d.RangeEnd, points, ranges);
                break;
            case TxnRequest t:
                points.AddRange(t.Compares.Select(c => c.Key));
                t.Success.Concat(t.Failure).ToList().ForEach(o => CollectRequest(o, points, ranges));
                break;
        }
    }

    private static void CollectResponse(KvResponse? response, List<string> points)
    {
        switch (response)
        {
            case RangeResponse r:
                points.AddRange(r.Kvs.Select(kv => kv.Key));
                break;
            case TxnResponse t:
                t.Responses.ToList().ForEach(n => CollectResponse(n, points));
                break;
        }
    }

    private static void AddRange(string key, string? end, List<string> points, List<(string Start, string End)> ranges)
    {
        if (end is null)
        {
            points.Add(key);
        }
        else
        {
            ranges.Add((key, end));
        }
    }
}
