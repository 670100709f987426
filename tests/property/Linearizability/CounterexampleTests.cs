using Cairn.Simulation.Checking.Linearizability;
using Cairn.Simulation.Checking.Linearizability.Benchmark;
using Cairn.Simulation.History;
using Xunit;

namespace Cairn.Property.Tests.Linearizability;

/// <summary>A failure is reported as a small sub-history with a readable rendering.</summary>
public sealed class CounterexampleTests
{
    [Fact]
    public void StaleReadInALongHistoryShrinksToTheOperationsThatExplainIt()
    {
        IReadOnlyList<HistoryOperation> history = KvHistoryGenerator.Generate(new KvHistoryOptions { Operations = 2_000, Keys = 3, Clients = 6 }, 11);
        IReadOnlyList<HistoryOperation> mutated = HistoryMutation.ReadStaleValue(history) ?? throw new InvalidOperationException("no stale read possible");
        LinearizabilityResult result = KvLinearizabilityChecker.Check(mutated);
        Assert.False(result.Ok);
        Assert.InRange(result.MinimalCounterexample.Count, 2, 8);
        Assert.True(result.MinimalCounterexample.Zip(result.MinimalCounterexample.Skip(1)).All(p => p.First.CallTime <= p.Second.CallTime));
    }

    [Fact]
    public void ExplainRendersOneLinePerOperationAndATimeline()
    {
        var h = new HistoryBuilder()
            .Put(0, "x", "1", 0, 10, 2)
            .Get(1, "x", 20, 30, 2)
            .PutUnknown(2, "y", "1", 5)
            .Build();
        string text = KvLinearizabilityChecker.Check(h).Explain();
        Assert.Contains("NotLinearizable", text, StringComparison.Ordinal);
        Assert.Contains("put(x, \"1\") -> @2  [0, 10]", text, StringComparison.Ordinal);
        Assert.Contains("get(x) -> [] @2  [20, 30]", text, StringComparison.Ordinal);
        Assert.Contains("timeline", text, StringComparison.Ordinal);
    }

    [Fact]
    public void StepBoundGivesUnknownInsteadOfHanging()
    {
        IReadOnlyList<HistoryOperation> history = KvHistoryGenerator.Generate(new KvHistoryOptions { Operations = 400, Keys = 1 }, 5);
        var tight = new LinearizabilityOptions { Search = new SearchLimits(StepsMax: 10) };
        LinearizabilityResult result = KvLinearizabilityChecker.Check(history, tight);
        Assert.True(result.TimedOut);
        Assert.False(result.Ok);
    }
}
