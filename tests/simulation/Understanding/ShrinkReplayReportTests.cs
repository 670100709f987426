using Cairn.Simulation.Cli;
using Cairn.Simulation.Faults;
using Cairn.Simulation.Reporting;
using Xunit;

namespace Cairn.Simulation.Tests.Understanding;

/// <summary>Understanding a failure: shrink finds a smaller run with the same violation; reports draw the run.</summary>
public class ShrinkReplayReportTests
{
    [Fact]
    public void Shrink_OfACanaryRun_FindsASmallerRunWithTheSameInvariant()
    {
        var (seed, _) = BugsCommand.FirstDetection(global::Cairn.Simulation.Canaries.CanaryCatalog.Find("figure8-commit"), 100, Environment.ProcessorCount);
        Assert.NotNull(seed);
        var options = new RunOptions { Seed = seed!.Value, Faults = FaultMode.Swarm, Bug = "figure8-commit" };
        var original = Simulator.Run(options);
        Assert.False(original.Ok);
        var outcome = Shrinker.Shrink(options, original);
        Assert.NotEmpty(outcome.Steps);
        var smaller = outcome.Smallest;
        Assert.True(smaller.Nodes < options.Nodes || smaller.Clients < options.Clients || smaller.DurationMs < options.DurationMs || smaller.Without != FaultKinds.None);
        var replay = Simulator.Run(smaller);
        Assert.Equal(original.FirstInvariant, replay.FirstInvariant);
    }

    [Fact]
    public void Report_OfARealRun_DrawsLanesFaultsAndTheViolation()
    {
        // Search for a failing seed (as `bugs --check` does) instead of assuming one.
        var (seed, _) = BugsCommand.FirstDetection(global::Cairn.Simulation.Canaries.CanaryCatalog.Find("no-truncate-on-conflict"), 500, Environment.ProcessorCount);
        Assert.True(seed is not null, "canary no-truncate-on-conflict survived 500 swarm seeds");
        var r = Simulator.Run(new RunOptions { Seed = seed!.Value, Faults = FaultMode.Swarm, Bug = "no-truncate-on-conflict", RecordTimeline = true });
        Assert.False(r.Ok);
        Assert.NotNull(r.Timeline);
        var t = r.Timeline!;
        Assert.Equal(5, t.Roles.Select(x => x.Node).Distinct().Count());
        Assert.NotEmpty(t.Operations);
        Assert.NotEmpty(t.Faults);
        Assert.NotEmpty(t.Violations); // the run stops at the first violating event, which may report several nodes
        Assert.All(t.Violations, v => Assert.Equal(t.Violations[0].TimeMs, v.TimeMs));
        var html = HtmlReport.Render(t);
        Assert.Contains(r.FirstInvariant!, html);
        Assert.DoesNotContain("<script src", html);
    }

    [Fact]
    public void Trace_IsWrittenForReplay()
    {
        using var writer = new StringWriter();
        Simulator.Run(new RunOptions { Seed = 3, DurationMs = 5_000, Trace = writer });
        var lines = writer.ToString().Split('\n');
        Assert.Contains(lines, l => l.Contains("start"));
        Assert.Contains(lines, l => l.Contains("ack"));
    }
}
