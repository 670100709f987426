using System.Diagnostics;
using Cairn.Simulation.History;

namespace Cairn.Simulation.Checking.Linearizability.Benchmark;

/// <summary>The outcome of one benchmark run.</summary>
/// <param name="OpsPerSecond">Operations checked per wall-clock second (generation excluded).</param>
/// <param name="Operations">Operations in the generated history.</param>
/// <param name="Partitions">Partitions searched.</param>
/// <param name="Seconds">Wall-clock seconds spent checking.</param>
/// <param name="Verdict">The verdict; always Linearizable unless the checker is wrong or a limit was hit.</param>
/// <param name="SearchSteps">Search steps over all partitions.</param>
public sealed record BenchmarkReport(double OpsPerSecond, int Operations, int Partitions, double Seconds, SearchVerdict Verdict, long SearchSteps);

/// <summary>
/// Times the KV checker on a generated linearizable history: 200 keys, 10 clients, gets, puts,
/// single-key compare-and-set transactions, a few deletes and 1% unknown outcomes. Benchmark only:
/// it reads the wall clock, so nothing the simulator decides may depend on it.
/// </summary>
public static class LinearizabilityBenchmark
{
    /// <summary>Generates a history of <paramref name="operations"/> operations from <paramref name="seed"/> and times its check.</summary>
    /// <param name="operations">History length, for example 100,000.</param>
    /// <param name="seed">The generator seed.</param>
    /// <returns>Throughput and verdict.</returns>
    public static BenchmarkReport Run(int operations, int seed) =>
        Run(new KvHistoryOptions { Operations = operations, InfoFraction = 0.01 }, seed);

    /// <summary>Times the check of a history generated with <paramref name="options"/>.</summary>
    /// <param name="options">The history shape.</param>
    /// <param name="seed">The generator seed.</param>
    /// <returns>Throughput and verdict.</returns>
    public static BenchmarkReport Run(KvHistoryOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<HistoryOperation> history = KvHistoryGenerator.Generate(options, seed);
        var watch = Stopwatch.StartNew();
        LinearizabilityResult result = KvLinearizabilityChecker.Check(history);
        watch.Stop();
        double seconds = Math.Max(watch.Elapsed.TotalSeconds, 1e-9);
        return new BenchmarkReport(history.Count / seconds, history.Count, result.Statistics.Partitions, seconds, result.Verdict,
            result.Statistics.SearchSteps);
    }
}
