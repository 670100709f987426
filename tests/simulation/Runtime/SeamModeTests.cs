using System.Collections.Concurrent;
using Cairn.Simulation.Faults;
using Cairn.Simulation.World;
using Xunit;

namespace Cairn.Simulation.Tests.Runtime;

/// <summary>
/// The simulator's seam modes (issue 7 §2): disks that complete inside Submit or cumulatively, and a network
/// that delivers synchronously, keep every checker green with correct code, and the seam canaries are caught
/// by the checker named for them within a bounded seed search.
/// </summary>
public sealed class SeamModeTests
{
    private const int SeedBudget = 200;

    [Theory]
    [InlineData(DiskCompletion.InsideSubmit, NetworkDelivery.Scheduled)]
    [InlineData(DiskCompletion.Cumulative, NetworkDelivery.Scheduled)]
    [InlineData(DiskCompletion.Scheduled, NetworkDelivery.Synchronous)]
    [InlineData(DiskCompletion.InsideSubmit, NetworkDelivery.Synchronous)]
    public void SeamMode_CorrectCodePassesUnderFaults(DiskCompletion disk, NetworkDelivery network)
    {
        var failures = new ConcurrentBag<RunResult>();
        Parallel.For(1, 9, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed =>
        {
            var r = Simulator.Run(new RunOptions { Seed = (ulong)seed, Faults = FaultMode.Swarm, DurationMs = 30_000, DiskCompletion = disk, NetworkDelivery = network });
            Assert.Equal(new SeamModes(disk, network), r.SeamModes);
            if (!r.Ok) failures.Add(r);
        });
        Assert.True(failures.IsEmpty, string.Join("\n", failures.OrderBy(f => f.Seed).Select(SimulationFailure.Describe)));
    }

    [Theory]
    [InlineData("reentrant-apply-skip", "ApplyInOrder")]
    [InlineData("accept-out-of-order-completion", "CommittedEntryDurable")]
    public void SeamCanary_IsCaughtByItsChecker(string bug, string invariant)
    {
        for (var start = 1; start <= SeedBudget; start += 8)
        {
            var hits = new ConcurrentBag<ulong>();
            Parallel.For(start, start + 8, seed =>
            {
                var r = Simulator.Run(new RunOptions { Seed = (ulong)seed, Faults = FaultMode.Swarm, Bug = bug });
                if (r.FirstInvariant == invariant) hits.Add((ulong)seed);
            });
            if (!hits.IsEmpty) return;
        }
        Assert.Fail($"{invariant} never caught canary {bug} in {SeedBudget} swarm seeds");
    }
}
