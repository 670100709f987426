using Cairn.Simulation.Faults;
using Xunit;

namespace Cairn.Simulation.Tests.Sweeps;

/// <summary>Raft safety (Figure 3) and liveness after heal hold across a sweep of seeds.</summary>
public class SeedSweepTests
{
    [Fact]
    public void StandardFaults_200Seeds_NoViolation()
    {
        var failures = new System.Collections.Concurrent.ConcurrentBag<RunResult>();
        Parallel.For(1, 201, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed =>
        {
            var r = Simulator.Run(new RunOptions { Seed = (ulong)seed, Faults = FaultMode.Standard, DurationMs = 60_000 });
            if (!r.Ok) failures.Add(r);
        });
        Assert.True(failures.IsEmpty, string.Join("\n", failures.OrderBy(f => f.Seed).Select(SimulationFailure.Describe)));
    }

    [Fact]
    public void NoFaults_ClusterCommitsSteadily()
    {
        var r = Simulator.Run(new RunOptions { Seed = 42, Faults = FaultMode.None, DurationMs = 30_000 });
        Assert.True(r.Ok, SimulationFailure.Describe(r));
        Assert.Equal(1, r.LeadersElected);
        Assert.True(r.Acknowledged > 500, $"only {r.Acknowledged} operations acknowledged in 30s without faults");
    }

    /// <summary>Raft §7 in the simulator: with the seeded small snapshot threshold, logs compact and nodes that
    /// fell behind (crashed or cut off) catch up by InstallSnapshot, and every run stays safe and live.</summary>
    [Fact]
    public void SwarmFaults_SnapshotsAreTakenAndInstalled()
    {
        long taken = 0, installed = 0;
        for (ulong seed = 1; seed <= 12; seed++)
        {
            var r = Simulator.Run(new RunOptions { Seed = seed, Faults = FaultMode.Swarm, DurationMs = 60_000 });
            Assert.True(r.Ok, SimulationFailure.Describe(r));
            taken += r.SnapshotsTaken;
            installed += r.SnapshotsInstalled;
        }
        Assert.True(taken > 0, "no snapshot was taken");
        Assert.True(installed > 0, "no snapshot was installed");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void SmallClusters_StandardFaults_NoViolation(int nodes)
    {
        for (ulong seed = 1; seed <= 20; seed++)
        {
            var r = Simulator.Run(new RunOptions { Seed = seed, Nodes = nodes, DurationMs = 30_000 });
            Assert.True(r.Ok, SimulationFailure.Describe(r));
        }
    }
}
