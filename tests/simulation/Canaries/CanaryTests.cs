using Cairn.Simulation.Canaries;
using Cairn.Simulation.Cli;
using Xunit;

namespace Cairn.Simulation.Tests.Canaries;

/// <summary>Every checker has a canary: each planted bug is caught within 500 swarm seeds (bugs --check, bounded).</summary>
public class CanaryTests
{
    public const int SeedBudget = 500;

    public static TheoryData<string> CanaryNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in CanaryCatalog.All) data.Add(c.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(CanaryNames))]
    public void Canary_IsCaughtWithin500SwarmSeeds(string bug)
    {
        var canary = CanaryCatalog.Find(bug);
        var (seed, invariant) = BugsCommand.FirstDetection(canary, SeedBudget, Environment.ProcessorCount);
        Assert.True(seed is not null, $"canary '{bug}' survived {SeedBudget} swarm seeds: its checker cannot fail");
        Assert.False(string.IsNullOrEmpty(invariant));
    }

    [Fact]
    public void Canaries_AreOffByDefault()
    {
        var r = Simulator.Run(new RunOptions { Seed = 3, DurationMs = 20_000 });
        Assert.True(r.Ok, SimulationFailure.Describe(r));
    }

    [Fact]
    public void CanarySwitches_AreNotPublic()
    {
        // Only the simulator (InternalsVisibleTo) may construct bug switches; host configuration cannot.
        Assert.False(typeof(Cairn.Core.Raft.RaftNode).Assembly.GetType("Cairn.Core.Raft.RaftBugs")!.IsPublic);
        Assert.False(typeof(Cairn.Core.Kv.KvStateMachine).Assembly.GetType("Cairn.Core.Kv.KvBugs")!.IsPublic);
    }
}
