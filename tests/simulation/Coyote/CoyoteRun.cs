using Microsoft.Coyote;
using Microsoft.Coyote.SystematicTesting;

namespace Cairn.Simulation.Tests.Coyote;

/// <summary>The exploration strategies the harness runs.</summary>
public enum CoyoteStrategy
{
    /// <summary>Uniformly random scheduling and data choices.</summary>
    Random,
    /// <summary>Priority-based (PCT-style) scheduling with a bounded number of priority changes.</summary>
    Prioritization,
    /// <summary>Prioritization with a fair suffix, as used for liveness checking.</summary>
    FairPrioritization,
}

/// <summary>The outcome of one TestingEngine run.</summary>
internal sealed record CoyoteResult(uint Seed, CoyoteStrategy Strategy, int Iterations, int BugsFound, IReadOnlyList<string> BugReports, TimeSpan Elapsed, int StepsMax)
{
    public string Describe(string testName) =>
        $"Coyote {Strategy}, seed {Seed}: {BugsFound} bug(s) in {Iterations} iteration(s) of up to {StepsMax} steps, {Elapsed.TotalSeconds:F1}s\n  "
        + string.Join("\n  ", BugReports)
        + $"\n  replay: dotnet test tests/simulation --filter \"FullyQualifiedName~{testName}\"";
}

/// <summary>Runs a <see cref="CoyoteCluster"/> under Coyote's TestingEngine, with telemetry off.</summary>
internal static class CoyoteRun
{
    /// <summary>Scheduling steps per iteration; an iteration ends well within it (the clock stops).</summary>
    public const uint SchedulingStepsMax = 20_000;

    static CoyoteRun()
    {
        // The configuration flag covers the engine; the variable covers anything that reads it directly.
        Environment.SetEnvironmentVariable("COYOTE_CLI_TELEMETRY_OPTOUT", "1");
    }

    public static CoyoteResult Explore(CoyoteCluster cluster, CoyoteStrategy strategy, uint iterations, uint seed)
    {
        var configuration = Configuration.Create()
            .WithTelemetryEnabled(false)
            .WithTestingIterations(iterations)
            .WithMaxSchedulingSteps(SchedulingStepsMax)
            .WithRandomGeneratorSeed(seed)
            .WithConsoleLoggingEnabled(false)
            .WithVerbosityEnabled(Microsoft.Coyote.Logging.VerbosityLevel.None);
        configuration = strategy switch
        {
            CoyoteStrategy.Random => configuration.WithRandomStrategy(),
            CoyoteStrategy.Prioritization => configuration.WithPrioritizationStrategy(isFair: false),
            CoyoteStrategy.FairPrioritization => configuration.WithPrioritizationStrategy(isFair: true),
            _ => throw new ArgumentOutOfRangeException(nameof(strategy)),
        };

        var started = System.Diagnostics.Stopwatch.StartNew();
        using var engine = TestingEngine.Create(configuration, cluster.Start);
        engine.Run();
        var report = engine.TestReport;
        return new CoyoteResult(seed, strategy, report.NumOfExploredFairPaths + report.NumOfExploredUnfairPaths,
            report.NumOfFoundBugs, report.BugReports.ToList(), started.Elapsed,
            Math.Max(report.MaxExploredFairSteps, report.MaxExploredUnfairSteps));
    }
}
