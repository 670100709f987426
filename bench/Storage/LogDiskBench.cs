using System.Diagnostics;
using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;
using Cairn.Host.Storage;
using Google.Protobuf;

namespace Cairn.Bench.Storage;

/// <summary>SQLite log-disk throughput: <c>inFlight</c> proposals outstanding at once, one 128-byte entry each.</summary>
internal static class LogDiskBench
{
    internal static void Run(string dir, int inFlight, TimeSpan duration)
    {
        var path = Path.Combine(dir, $"log-{inFlight}.db");
        using var slots = new SemaphoreSlim(inFlight, inFlight);
        long durable = 0;
        using var disk = new SqliteLogDisk(path, _ => { Interlocked.Increment(ref durable); slots.Release(); },
            (id, reason) => throw new InvalidOperationException($"write {id} failed: {reason}"));
        var data = ByteString.CopyFrom(new byte[128]);
        var clock = Stopwatch.StartNew();
        long id = 0;
        while (clock.Elapsed < duration)
        {
            slots.Wait();
            id++;
            disk.Submit(new DiskWrite(id, null, new[] { new Entry { Index = (ulong)id, Term = 1, Data = data } }));
        }
        for (var i = 0; i < inFlight; i++) slots.Wait();
        var elapsed = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"log disk, {inFlight,5} in flight: {durable / elapsed,10:F0} entries/s, {disk.Commits / elapsed,8:F0} fsyncs/s, " +
                          $"{(double)durable / disk.Commits,7:F1} writes/commit ({durable} writes in {elapsed:F1} s)");
    }
}
