using System.Diagnostics;
using Cairn.Core.Kv;
using Cairn.Core.Kv.Wire;
using Cairn.Host.Storage;
using Google.Protobuf;

namespace Cairn.Bench.Storage;

/// <summary>MVCC store: load <c>keys</c> keys of <c>valueBytes</c> each, then page 500 keys from random points, and report RSS.</summary>
internal static class MvccBench
{
    private const int KeysPerRevision = 100;
    private const int RevisionsPerBatch = 100;
    private const int PageSize = 500;
    private const int Queries = 200;

    internal static void Run(string dir, int keys, int valueBytes)
    {
        var path = Path.Combine(dir, "mvcc.db");
        using var store = new SqliteMvccBackend(path);
        var clock = Stopwatch.StartNew();
        Load(store, keys, valueBytes);
        Console.WriteLine($"mvcc load: {keys} keys of {valueBytes} B in {clock.Elapsed.TotalSeconds:F1} s ({keys / clock.Elapsed.TotalSeconds:F0} keys/s), " +
                          $"database {store.SizeBytes / (1024 * 1024)} MiB");
        var random = new Random(1);
        var latencies = new double[Queries];
        for (var q = 0; q < Queries; q++)
        {
            var start = Key(random.Next(keys));
            var page = Stopwatch.StartNew();
            var count = store.Range(KeyRange.From(start, ByteString.CopyFrom(0)), store.CurrentRevision).Take(PageSize).Count();
            latencies[q] = page.Elapsed.TotalMilliseconds;
            if (count == 0) throw new InvalidOperationException("empty page");
        }
        Array.Sort(latencies);
        Console.WriteLine($"mvcc range, page of {PageSize} out of {keys}: p50 {latencies[Queries / 2]:F2} ms, p99 {latencies[Queries * 99 / 100]:F2} ms, max {latencies[^1]:F2} ms");
        CountRest(store, keys, random);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var self = Process.GetCurrentProcess();
        Console.WriteLine($"rss at {keys} keys: {self.WorkingSet64 / (1024 * 1024)} MiB (peak {self.PeakWorkingSet64 / (1024 * 1024)} MiB), managed heap {GC.GetTotalMemory(false) / (1024 * 1024)} MiB");
    }

    /// <summary>A paginated LIST also answers the count of every key from the page's start to the range's end (etcd's
    /// <c>count</c>, which Kubernetes reads as remainingItemCount): time it on its own.</summary>
    private static void CountRest(SqliteMvccBackend store, int keys, Random random)
    {
        const int countQueries = 20;
        var latencies = new double[countQueries];
        long counted = 0;
        for (var q = 0; q < countQueries; q++)
        {
            var start = Key(random.Next(keys));
            var clock = Stopwatch.StartNew();
            counted += store.Count(KeyRange.From(start, ByteString.CopyFrom(0)), store.CurrentRevision);
            latencies[q] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(latencies);
        Console.WriteLine($"mvcc count of the rest of the range (mean {counted / countQueries} keys): p50 {latencies[countQueries / 2]:F1} ms, max {latencies[^1]:F1} ms");
    }

    private static ByteString Key(int i) => ByteString.CopyFromUtf8($"/registry/pods/ns-{i % 100:D3}/pod-{i:D8}");

    private static void Load(SqliteMvccBackend store, int keys, int valueBytes)
    {
        var value = ByteString.CopyFrom(new byte[valueBytes]);
        ulong applied = 0;
        for (var k = 0; k < keys;)
        {
            store.BeginBatch();
            for (var r = 0; r < RevisionsPerBatch && k < keys; r++)
            {
                var revision = store.CurrentRevision + 1;
                for (var s = 0; s < KeysPerRevision && k < keys; s++, k++)
                {
                    var key = Key(k);
                    store.Write(key, s, new KeyValue { Key = key, CreateRevision = revision, ModRevision = revision, Version = 1, Value = value });
                }
                store.Commit();
            }
            store.CommitBatch(++applied);
        }
    }
}
