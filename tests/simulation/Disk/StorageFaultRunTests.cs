using Cairn.Simulation.Faults;
using Xunit;

namespace Cairn.Simulation.Tests.Disk;

/// <summary>
/// Storage faults in whole runs (docs/simulation.md): faulty disks are a minority drawn from the seed, damage,
/// misdirected and lost writes make their nodes fail-stop on restart, and the cluster stays safe and live.
/// </summary>
public class StorageFaultRunTests
{
    private const FaultKinds StorageDamage = FaultKinds.DiskCorrupt | FaultKinds.MisdirectedWrite | FaultKinds.LostWrite | FaultKinds.BitFlip;

    [Fact]
    public void FaultyDisks_AreAMinorityDrawnFromTheSeed_AndAnyNodeCanBeHit()
    {
        const int nodes = 5;
        var hit = new SortedSet<int>();
        for (ulong seed = 1; seed <= 200; seed++)
            foreach (var mode in new[] { FaultMode.Standard, FaultMode.Swarm })
            {
                var plan = FaultPlan.For(mode, seed, nodes, FaultKinds.None);
                Assert.True(plan.FaultyDisks.Count <= (nodes - 1) / 2, $"seed {seed}: {plan.FaultyDisks.Count} faulty disks of {nodes}");
                Assert.Equal(plan.FaultyDisks, FaultPlan.For(mode, seed, nodes, FaultKinds.None).FaultyDisks); // from the seed
                hit.UnionWith(plan.FaultyDisks);
            }
        Assert.Equal(Enumerable.Range(1, nodes), hit);
    }

    [Fact]
    public void NewStorageKinds_HaveCliNames_ThatRoundTrip()
    {
        var kinds = FaultKindNames.Parse("disk-corrupt,misdirected-write,lost-write");
        Assert.Equal(FaultKinds.DiskCorrupt | FaultKinds.MisdirectedWrite | FaultKinds.LostWrite, kinds);
        Assert.Equal("disk-corrupt,misdirected-write,lost-write", FaultKindNames.Format(kinds));
        Assert.Equal(FaultKinds.All, FaultKindNames.Parse(FaultKindNames.Format(FaultKinds.All)));
    }

    [Fact]
    public void StorageDamage_FailStopsFaultyNodes_AndTheClusterStaysSafeAndLive()
    {
        var refused = 0;
        for (ulong seed = 1; seed <= 12; seed++)
        {
            var r = Simulator.Run(new RunOptions { Seed = seed, Nodes = 5, Faults = FaultMode.Standard, Without = FaultKinds.All & ~(StorageDamage | FaultKinds.Crash | FaultKinds.TornWrite), DurationMs = 30_000, RecordTimeline = true });
            Assert.True(r.Ok, SimulationFailure.Describe(r));
            refused += r.Timeline!.Faults.Count(f => f.Kind == "corrupt");
        }
        Assert.True(refused > 0, "no faulty disk made its node refuse to start in 12 seeds");
    }

    [Fact]
    public void StorageDamage_SameSeed_SameTraceHash()
    {
        var options = new RunOptions { Seed = 5, Faults = FaultMode.Swarm, DurationMs = 20_000 };
        Assert.Equal(Simulator.Run(options).TraceHash, Simulator.Run(options).TraceHash);
    }
}
