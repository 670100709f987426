using Cairn.Simulation.Faults;
using Xunit;

namespace Cairn.Simulation.Tests.Sweeps;

/// <summary>Swarm testing: each seed draws its own fault mix; safety and liveness hold for all of them.</summary>
public class SwarmSweepTests
{
    [Fact]
    public void Swarm_200Seeds_NoViolation()
    {
        var failures = new System.Collections.Concurrent.ConcurrentBag<RunResult>();
        Parallel.For(1, 201, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed =>
        {
            var r = Simulator.Run(new RunOptions { Seed = (ulong)seed, Faults = FaultMode.Swarm, DurationMs = 60_000 });
            if (!r.Ok) failures.Add(r);
        });
        Assert.True(failures.IsEmpty, string.Join("\n", failures.OrderBy(f => f.Seed).Select(SimulationFailure.Describe)));
    }

    [Fact]
    public void Swarm_DrawsDifferentFaultMixesPerSeed()
    {
        var mixes = Enumerable.Range(1, 20).Select(s => FaultPlan.For(FaultMode.Swarm, (ulong)s, 5, FaultKinds.None).Kinds).Distinct().Count();
        Assert.True(mixes >= 15, $"only {mixes} distinct fault mixes in 20 swarm seeds");
        Assert.Contains(Enumerable.Range(1, 50), s => !FaultPlan.For(FaultMode.Swarm, (ulong)s, 5, FaultKinds.None).Has(FaultKinds.Crash));
    }

    [Fact]
    public void Without_RemovesFaultKinds()
    {
        var plan = FaultPlan.For(FaultMode.Standard, 1, 5, FaultKindNames.Parse("crash,partition"));
        Assert.False(plan.Has(FaultKinds.Crash));
        Assert.False(plan.Has(FaultKinds.Partition));
        Assert.True(plan.Has(FaultKinds.Drop));
    }

    [Fact]
    public void EveryPartitionShape_KeepsItsDefinition()
    {
        var random = new Engine.SimRandom(9);
        foreach (var shape in PartitionShapes.All)
        {
            var cut = PartitionShapes.Cut(shape, 5, random);
            Assert.NotEmpty(cut);
            Assert.DoesNotContain(cut, l => l.From == l.To);
        }
        // Majorities ring: every node still reaches a majority (itself included), and no two see the same set.
        var ring = PartitionShapes.Cut(PartitionShape.MajoritiesRing, 5, random).ToHashSet();
        var views = Enumerable.Range(1, 5).Select(n => string.Join(",", Enumerable.Range(1, 5).Where(m => m == n || !ring.Contains((n, m))))).ToList();
        Assert.All(views, v => Assert.True(v.Split(',').Length >= 3));
        Assert.Equal(5, views.Distinct().Count());
    }
}
