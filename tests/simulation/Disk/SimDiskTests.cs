using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;
using Cairn.Simulation.Engine;
using Cairn.Simulation.Faults;
using Cairn.Simulation.World;
using Google.Protobuf;
using Xunit;

namespace Cairn.Simulation.Tests.Disk;

/// <summary>
/// The disk-fault contract (docs/simulation.md): unsynced writes vanish on a crash, a torn tail is
/// dropped, any other corruption makes the node refuse to start, transient read flips are re-read,
/// and nothing acknowledged is ever forgotten.
/// </summary>
public class SimDiskTests
{
    private static DiskWrite Write(long id, ulong first, int count, ulong term = 1, HardState? hs = null) =>
        new(id, hs, Enumerable.Range(0, count).Select(i => new Entry { Term = term, Index = first + (ulong)i, Data = ByteString.CopyFromUtf8($"e{first + (ulong)i}") }).ToArray());

    private static SimDisk Disk(bool torn = false, double writeFlip = 0, double readFlip = 0, ulong seed = 1) =>
        new(new DiskFaults { Random = new SimRandom(seed), TornWrites = torn, WriteFlipRate = writeFlip, ReadFlipRate = readFlip });

    [Fact]
    public void SyncedWrites_SurviveACrash_UnsyncedOnesDoNot()
    {
        var disk = Disk();
        disk.Submit(Write(1, 1, 3, hs: new HardState { Term = 1, Vote = 2 }));
        disk.Submit(Write(2, 4, 2));
        disk.CompleteThrough(1);
        disk.Crash();
        var state = disk.Load();
        Assert.Equal(3, state.Entries.Count);
        Assert.Equal(2UL, state.HardState!.Vote);
    }

    [Fact]
    public void TornWrite_TailIsDropped_PrefixOfUnsyncedBatchMaySurvive()
    {
        for (ulong seed = 1; seed <= 40; seed++)
        {
            var disk = Disk(torn: true, seed: seed);
            disk.Submit(Write(1, 1, 2));
            disk.CompleteThrough(1);
            for (var i = 0; i < 4; i++) disk.Submit(Write(2 + i, 3 + (ulong)i, 1));
            disk.Crash();
            var state = disk.Load(); // never throws: a short last record is a torn write
            Assert.InRange(state.Entries.Count, 2, 6);
            Assert.Equal(Enumerable.Range(1, state.Entries.Count).Select(i => (ulong)i), state.Entries.Select(e => e.Index));
        }
    }

    [Fact]
    public void BitFlipInDurableRecord_NodeRefusesToStart()
    {
        var disk = Disk(writeFlip: 1.0);
        disk.Submit(Write(1, 1, 3));
        disk.CompleteThrough(1);
        var e = Assert.Throws<InvalidDataException>(() => disk.Load());
        Assert.Contains("refusing to start", e.Message);
        Assert.NotNull(disk.Corruption);
        Assert.Throws<InvalidDataException>(() => disk.Load()); // stays refused
    }

    [Fact]
    public void TransientReadFlip_IsCorrectedByReReading()
    {
        var recovered = 0;
        for (ulong seed = 1; seed <= 30; seed++)
        {
            var disk = Disk(readFlip: 0.3, seed: seed);
            for (var i = 0; i < 5; i++) disk.Submit(Write(1 + i, 1 + (ulong)i, 1));
            disk.CompleteThrough(5);
            try
            {
                Assert.Equal(5, disk.Load().Entries.Count);
                recovered++;
            }
            catch (InvalidDataException)
            {
                // Three flips in a row on one record: indistinguishable from rot, so the node refuses.
            }
        }
        Assert.True(recovered >= 25, $"only {recovered}/30 loads survived transient read flips");
    }

    [Fact]
    public void FullDisk_RefusesProposalsWithAClearError_AndRecovers()
    {
        var now = 0L;
        var disk = new SimDisk(DiskFaults.None) { Now = () => now, FullUntil = 100 };
        Assert.True(disk.OutOfSpace);
        now = 100;
        Assert.False(disk.OutOfSpace);
    }

    [Fact]
    public void FullDisk_InARun_RejectsWithDiskFullAndStaysSafe()
    {
        var r = Simulator.Run(new RunOptions { Seed = 2, Faults = FaultMode.Standard, Without = FaultKinds.All & ~FaultKinds.DiskFull, DurationMs = 30_000 });
        Assert.True(r.Ok, SimulationFailure.Describe(r));
    }

    [Fact]
    public void FailedFsync_FailStopsTheNode_AndTheClusterStaysSafe()
    {
        for (ulong seed = 1; seed <= 10; seed++)
        {
            var r = Simulator.Run(new RunOptions { Seed = seed, Without = FaultKinds.All & ~FaultKinds.FsyncFail, DurationMs = 30_000, RecordTimeline = true });
            Assert.True(r.Ok, SimulationFailure.Describe(r));
            if (r.Timeline!.Faults.Any(f => f.Kind == "fsync-fail")) return;
        }
        Assert.Fail("no fsync failure happened in 10 seeds");
    }

    [Fact]
    public void BitFlipsOnAMinority_NeverBreakSafety()
    {
        for (ulong seed = 1; seed <= 20; seed++)
        {
            var r = Simulator.Run(new RunOptions { Seed = seed, Without = FaultKinds.All & ~(FaultKinds.BitFlip | FaultKinds.Crash | FaultKinds.TornWrite), DurationMs = 30_000 });
            Assert.True(r.Ok, SimulationFailure.Describe(r));
        }
    }
}
