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

    [Theory]
    [InlineData("run --seed 1 --bug no-such-bug")]
    [InlineData("run --seed 1 --duration banana")]
    [InlineData("run --seed 1 --no-such-option")]
    [InlineData("run --nodes 3")]
    [InlineData("run --seed 1 --mute NoSuchInvariant")]
    [InlineData("run --seed 1 --history h.jsonl")]
    [InlineData("sweep --seeds 9..1")]
    [InlineData("sweep --seeds 1..5000000")]
    [InlineData("sweep --seeds 1..3 --parallel 0")]
    [InlineData("sweep --seeds 1..3 --parallel 100000")]
    [InlineData("bugs --check --parallel -1")]
    [InlineData("bench --nodes 3")]
    public void UsageErrors_ExitTwo_NotOneLikeAFailedSeed_WithOneErrorLine(string args)
    {
        var (exit, stdout, stderr) = SimProcess.RunWithStderr(args);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("error: ", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Theory]
    [InlineData("--trace", "run --seed 1 --duration 1s")]
    [InlineData("--report", "run --seed 1 --duration 1s")]
    [InlineData("--history", "run --seed 1 --duration 1s --workload kv")]
    public void UnwritableOutputPath_IsOneLineAndExitTwo_BeforeTheRun(string option, string run)
    {
        var missing = Path.Combine(Path.GetTempPath(), "cairn-no-such-dir-" + Environment.ProcessId, "out.txt");
        var (exit, stdout, stderr) = SimProcess.RunWithStderr($"{run} {option} {missing}");
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains(option, stderr);
        Assert.Contains("does not exist", stderr);
    }

    [Fact]
    public void EachCommand_ShowsOnlyTheOptionsItUses()
    {
        var run = Sim("run --help").Stdout;
        var sweep = Sim("sweep --help").Stdout;
        var bench = Sim("bench --help").Stdout;
        var replay = Sim("replay --help").Stdout;
        Assert.Contains("--trace", run);
        Assert.Contains("--report", run);
        Assert.DoesNotContain("--parallel", run);
        Assert.Contains("--parallel", sweep);
        Assert.Contains("--shard", sweep);
        Assert.DoesNotContain("--trace", sweep);
        Assert.DoesNotContain("--report", sweep);
        Assert.DoesNotContain("--history", sweep);
        Assert.DoesNotContain("--json", replay);
        Assert.Contains("--json", bench);
        foreach (var option in new[] { "--nodes", "--seed", "--faults", "--workload", "--parallel", "--trace" })
            Assert.DoesNotContain(option, bench);
    }

    [Fact]
    public void BadInput_GetsAClearErrorAndExitTwo()
    {
        Assert.Equal(2, Sim("run --seed 1 --bug no-such-bug").Exit);
        Assert.Equal(2, Sim("run --seed 1 --duration banana").Exit);
        Assert.Equal(2, Sim("sweep --seeds 9..1").Exit);
    }
}
