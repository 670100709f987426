using Cairn.Simulation.History;

namespace Cairn.Simulation.Checking.Linearizability.Benchmark;

/// <summary>Draws one request of the generated workload.</summary>
internal static class KvRequestDraw
{
    public static KvRequest Draw(KvHistoryOptions options, Random random, int serial)
    {
        string key = Key(random.Next(options.Keys));
        string value = $"v{serial}";
        double roll = random.NextDouble();
        if ((roll -= options.PutFraction) < 0)
        {
            return new PutRequest(key, value);
        }

        if ((roll -= options.TxnFraction) < 0)
        {
            return CompareAndSet(random, key, value);
        }

        if ((roll -= options.DeleteFraction) < 0)
        {
            return new DeleteRequest(key);
        }

        if ((roll -= options.MultiKeyTxnFraction) < 0)
        {
            string other = Key(random.Next(options.Keys));
            return new TxnRequest([new TxnCompare(key, CompareTarget.Version, CompareOperator.Greater, Number: 0)],
                [new PutRequest(key, value), new PutRequest(other, value + "b")], [new RangeRequest(other)]);
        }

        if ((roll -= options.RangeFraction) < 0)
        {
            int first = random.Next(options.Keys);
            return new RangeRequest(Key(first), Key(Math.Min(options.Keys, first + 1 + random.Next(3))));
        }

        return new RangeRequest(key);
    }

    /// <summary>Keys sort in numeric order ("k0007"), so a range names adjacent keys.</summary>
    private static string Key(int index) => $"k{index:D5}";

    private static TxnRequest CompareAndSet(Random random, string key, string value)
    {
        TxnCompare guard = random.Next(2) == 0
            ? new TxnCompare(key, CompareTarget.Version, CompareOperator.Less, Number: 1 + random.Next(4))
            : new TxnCompare(key, CompareTarget.Value, CompareOperator.NotEqual, "v0");
        return new TxnRequest([guard], [new PutRequest(key, value)], [new RangeRequest(key)]);
    }
}
