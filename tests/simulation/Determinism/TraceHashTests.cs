using Xunit;

namespace Cairn.Simulation.Tests.Determinism;

/// <summary>Determinism is a tested property: one seed gives one trace hash, in separate processes.</summary>
public class TraceHashTests
{
    private static string RunInProcess(ulong seed) => SimProcess.TraceHash($"run --seed {seed} --duration 20s");

    [Fact]
    public void SameSeed_TwoProcesses_SameTraceHash()
    {
        var first = RunInProcess(7);
        var second = RunInProcess(7);
        Assert.Equal(first, second);
    }

    [Fact]
    public void DifferentSeed_DifferentTraceHash()
    {
        Assert.NotEqual(RunInProcess(7), RunInProcess(8));
    }

    [Fact]
    public void SameSeed_SameProcess_SameResult()
    {
        var a = Simulator.Run(new RunOptions { Seed = 11, DurationMs = 20_000 });
        var b = Simulator.Run(new RunOptions { Seed = 11, DurationMs = 20_000 });
        Assert.Equal(a.TraceHash, b.TraceHash);
        Assert.Equal(a.Events, b.Events);
        Assert.Equal(a.Committed, b.Committed);
    }
}
