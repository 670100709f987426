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

    /// <summary>
    /// Regression (catch-up after an install): a follower that installs a multi-megabyte snapshot must find the
    /// entries after it still in the leader's log. Before <see cref="Cairn.Core.Raft.RaftOptions.SnapshotCatchUpEntries"/>,
    /// the leader compacted during the transfer (or right after the install, before the follower caught up), so the
    /// follower needed another transfer after every install and the run failed <c>Liveness</c> after the heal with
    /// that follower a few dozen entries behind: swarm seeds 5, 6 and 7 at 30 s, 6 of seeds 1–30 at 120 s. The test
    /// searches a seed range rather than one seed, and checks that the range still reaches the shape: at least one
    /// run installs a snapshot of 100 chunks or more.
    /// </summary>
    [Fact]
    public void KvLarge_FollowerCatchesUpFromTheLogAfterASnapshotInstall_AcrossSeeds()
    {
        const ulong seedsMax = 8;
        var reached = 0;
        var failures = new List<string>();
        for (ulong seed = 1; seed <= seedsMax; seed++)
        {
            var r = Simulator.Run(new RunOptions { Seed = seed, Faults = FaultMode.Swarm, Workload = "kv-large", DurationMs = 30_000 });
            if (!r.Ok) failures.Add(SimulationFailure.Describe(r));
            if (r.SnapshotsInstalled > 0 && r.SnapshotChunksPerTransferMax >= 100) reached++;
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(reached > 0, $"no kv-large run in seeds 1-{seedsMax} installed a snapshot of 100 chunks or more: the range no longer reaches the failure shape");
    }
}
