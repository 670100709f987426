using System.Text.Json;
using Xunit;

namespace Cairn.Simulation.Tests.Cli;

/// <summary>The cairn-sim command line: exit codes and the one-JSON-object contract of --json.</summary>
public class CliTests
{
    private static (int Exit, string Stdout) Sim(string args) => SimProcess.Run(args);

    [Fact]
    public void RunJson_IsOneObjectWithRequiredFields()
    {
        var (exit, stdout) = Sim("run --seed 5 --duration 10s --json");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        foreach (var field in new[] { "seed", "ok", "violations", "traceHash", "events", "simulatedMs", "wallMs", "committed" })
            Assert.True(doc.RootElement.TryGetProperty(field, out _), $"missing {field}");
    }

    [Fact]
    public void RunWithCanary_ExitsOneAndNamesTheViolation()
    {
        var (exit, stdout) = Sim("run --seed 1 --bug quorum-off-by-one --json");
        Assert.Equal(1, exit);
        using var doc = JsonDocument.Parse(stdout);
        Assert.False(doc.RootElement.GetProperty("ok").GetBoolean());
        Assert.Contains("seed=1", doc.RootElement.GetProperty("violations")[0].GetString());
    }

    [Fact]
    public void SweepJson_ListsFailuresWithSeedAndViolation_AndExitsOne()
    {
        var (exit, stdout) = Sim("sweep --seeds 1..4 --duration 10s --bug commit-index-regresses --json");
        Assert.Equal(1, exit);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(4, doc.RootElement.GetProperty("seeds").GetInt32());
        var failure = doc.RootElement.GetProperty("failures")[0];
        Assert.True(failure.TryGetProperty("seed", out _));
        Assert.Contains("CommitMonotonic", failure.GetProperty("violation").GetString());
    }

    [Fact]
    public void Sweep_Clean_ExitsZero_AndShardsPartitionTheRange()
    {
        var (exit, stdout) = Sim("sweep --seeds 1..6 --duration 5s --shard 1/3 --json");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(2, doc.RootElement.GetProperty("seeds").GetInt32());
    }

    [Fact]
    public void Bugs_ListsEveryCanaryNameFirst()
    {
        var (exit, stdout) = Sim("bugs");
        Assert.Equal(0, exit);
        var names = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).ToList();
        Assert.True(names.Count >= 18);
        Assert.Contains("figure8-commit", names);
        Assert.Contains("skip-dedup", names);
    }

    [Fact]
    public void BadInput_GetsAClearErrorAndExitTwo()
    {
        Assert.Equal(2, Sim("run --seed 1 --bug no-such-bug").Exit);
        Assert.Equal(2, Sim("run --seed 1 --duration banana").Exit);
        Assert.Equal(2, Sim("sweep --seeds 9..1").Exit);
    }
}
