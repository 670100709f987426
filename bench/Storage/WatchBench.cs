using System.Diagnostics;
using Cairn.Core.Kv;
using Cairn.Core.Kv.Wire;
using Google.Protobuf;

namespace Cairn.Bench.Storage;

/// <summary>Watch fan-out: <c>watchers</c> watchers on distinct keys (or distinct prefixes), then one put per
/// revision to a watched key; reports the apply+publish cost per revision against the same run without watchers.</summary>
internal static class WatchBench
{
    private const int Revisions = 20_000;
    private const int DrainEvery = 100;

    internal static void Run(int watchers)
    {
        double baseline = Measure(0, prefix: false, keys: watchers);
        double exact = Measure(watchers, prefix: false, keys: watchers);
        double prefixes = Measure(watchers, prefix: true, keys: watchers);
        Console.WriteLine($"watch publish, no watchers, same {watchers} keys: {baseline:F2} µs/revision (apply only)");
        Console.WriteLine($"watch publish, {watchers} exact-key watchers: {exact:F2} µs/revision (+{exact - baseline:F2} over no watchers)");
        Console.WriteLine($"watch publish, {watchers} prefix watchers: {prefixes:F2} µs/revision (+{prefixes - baseline:F2} over no watchers)");
    }

    private static double Measure(int watchers, bool prefix, int keys)
    {
        var machine = new KvStateMachine(null, null, new WatchOptions { WatchersMax = Math.Max(1, watchers) });
        for (int w = 0; w < watchers; w++)
        {
            var request = new WatchCreateRequest { Key = Key(w) };
            if (prefix)
            {
                request.RangeEnd = KeyRange.Prefix(Key(w)).End!;
            }
            machine.Watches.Create(request);
        }
        machine.Watches.Drain();
        ulong index = 0;
        byte[][] commands = Enumerable.Range(0, Revisions)
            .Select(r => new KvCommand { Put = new PutRequest { Key = Key(r % keys), Value = ByteString.CopyFromUtf8("v") } }.ToByteArray())
            .ToArray();
        // Warm up, then measure.
        for (int r = 0; r < 1_000; r++)
        {
            machine.Apply(++index, commands[r]);
        }
        machine.Watches.Drain();
        var clock = Stopwatch.StartNew();
        for (int r = 0; r < Revisions; r++)
        {
            machine.Apply(++index, commands[r]);
            if (r % DrainEvery == DrainEvery - 1)
            {
                machine.Watches.Drain();
            }
        }
        machine.Watches.Drain();
        return clock.Elapsed.TotalMicroseconds / Revisions;
    }

    private static ByteString Key(int i) => ByteString.CopyFromUtf8($"/registry/pods/ns-{i % 100:D3}/pod-{i:D8}");
}
