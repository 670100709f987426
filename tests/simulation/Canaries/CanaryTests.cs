using Cairn.Simulation.Canaries;
using Xunit;

namespace Cairn.Simulation.Tests.Canaries;

/// <summary>Every checker has a canary: each planted bug is caught within 500 seeds.</summary>
public class CanaryTests
{
    public const int SeedBudget = 500;

    public static TheoryData<string> CanaryNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in CanaryCatalog.All.Where(c => c.Kv is null)) data.Add(c.Name); // KV canaries: tests/simulation/Kv
        return data;
    }

    [Theory]
    [MemberData(nameof(CanaryNames))]
    public void Canary_IsCaughtWithin500Seeds(string bug)
    {
        var caught = FirstDetection(bug);
        Assert.True(caught is not null, $"canary '{bug}' survived {SeedBudget} seeds: its checker cannot fail");
    }

    /// <summary>Runs seeds in parallel batches and returns the first failing seed, or null.</summary>
    internal static ulong? FirstDetection(string bug, int budget = SeedBudget)
    {
        const int batch = 8;
        for (var start = 1; start <= budget; start += batch)
        {
            var found = new System.Collections.Concurrent.ConcurrentBag<ulong>();
            Parallel.For(start, Math.Min(start + batch, budget + 1), seed =>
            {
                var r = Simulator.Run(new RunOptions { Seed = (ulong)seed, Bug = bug });
                if (!r.Ok) found.Add((ulong)seed);
            });
            if (!found.IsEmpty) return found.Min();
        }
        return null;
    }

    [Fact]
    public void Canaries_AreOffByDefault()
    {
        var r = Simulator.Run(new RunOptions { Seed = 3, DurationMs = 20_000 });
        Assert.True(r.Ok, SimulationFailure.Describe(r));
    }
}
