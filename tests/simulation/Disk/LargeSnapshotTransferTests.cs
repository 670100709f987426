using Cairn.Simulation.Faults;
using Xunit;

namespace Cairn.Simulation.Tests.Disk;

/// <summary>
/// Raft §7 InstallSnapshot under faults with the <c>kv-large</c> workload (4–64 KiB values, a low snapshot threshold,
/// 4 KiB chunks): transfers span hundreds of chunks while the leader keeps compacting, and still complete.
/// </summary>
public class LargeSnapshotTransferTests
{
    [Fact]
    public void KvLarge_SnapshotTransfersSpanHundredsOfChunks_AndComplete_UnderFaults()
    {
        for (ulong seed = 1; seed <= 6; seed++)
        {
            var r = Simulator.Run(new RunOptions { Seed = seed, Faults = FaultMode.Swarm, Workload = "kv-large", DurationMs = 60_000 });
            Assert.True(r.Ok, SimulationFailure.Describe(r));
            if (r.SnapshotChunksPerTransferMax >= 100 && r.SnapshotsInstalled > 0) return;
        }
        Assert.Fail("no kv-large run in 6 seeds completed a snapshot transfer of 100 chunks or more");
    }
}
