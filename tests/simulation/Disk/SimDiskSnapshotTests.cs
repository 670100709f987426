using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;
using Cairn.Simulation.Engine;
using Cairn.Simulation.Faults;
using Cairn.Simulation.World;
using Google.Protobuf;
using Xunit;

namespace Cairn.Simulation.Tests.Disk;

/// <summary>The snapshot record on the simulated disk (Raft §7): stored and loaded like every record, and
/// corruption of it refuses to start like corruption of any other record.</summary>
public class SimDiskSnapshotTests
{
    private static Entry[] Entries(ulong first, int count, ulong term = 1) =>
        Enumerable.Range(0, count).Select(i => new Entry { Term = term, Index = first + (ulong)i, Data = ByteString.CopyFromUtf8($"e{first + (ulong)i}") }).ToArray();

    private static SnapshotRecord Snapshot(ulong index, ulong term, bool replace = false) =>
        new() { Index = index, Term = term, Data = ByteString.CopyFromUtf8($"sm@{index}"), ReplaceLog = replace };

    private static SimDisk Disk(double writeFlip = 0, bool torn = false, ulong seed = 1) =>
        new(new DiskFaults { Random = new SimRandom(seed), WriteFlipRate = writeFlip, TornWrites = torn });

    [Fact]
    public void Compaction_DropsCoveredEntries_KeepsSuffix()
    {
        var disk = Disk();
        disk.Submit(new DiskWrite(1, new HardState { Term = 1, Commit = 6 }, Entries(1, 8)));
        disk.Submit(new DiskWrite(2, null, Array.Empty<Entry>(), Snapshot(6, 1)));
        disk.CompleteThrough(2);
        var state = disk.Load();
        Assert.Equal(6UL, state.Snapshot!.Index);
        Assert.Equal(new ulong[] { 7, 8 }, state.Entries.Select(e => e.Index));
        Assert.True(disk.DurablyHolds(3, 99)); // covered by the snapshot
        Assert.Equal(1L, disk.CompactionsSynced);
    }

    [Fact]
    public void Install_ReplacesTheWholeLog()
    {
        var disk = Disk();
        disk.Submit(new DiskWrite(1, null, Entries(1, 8)));
        disk.Submit(new DiskWrite(2, new HardState { Term = 3, Commit = 10 }, Entries(11, 2, term: 3), Snapshot(10, 3, replace: true)));
        disk.CompleteThrough(2);
        var state = disk.Load();
        Assert.Equal((10UL, 3UL), (state.Snapshot!.Index, state.Snapshot.Term));
        Assert.Equal(new ulong[] { 11, 12 }, state.Entries.Select(e => e.Index));
    }

    [Fact]
    public void UnsyncedSnapshot_IsLostInACrash()
    {
        var disk = Disk();
        disk.Submit(new DiskWrite(1, null, Entries(1, 4)));
        disk.CompleteThrough(1);
        disk.Submit(new DiskWrite(2, null, Array.Empty<Entry>(), Snapshot(4, 1)));
        disk.Crash();
        var state = disk.Load();
        Assert.Null(state.Snapshot);
        Assert.Equal(4, state.Entries.Count);
    }

    [Fact]
    public void BitFlipInSnapshotRecord_NodeRefusesToStart()
    {
        var disk = Disk();
        disk.Submit(new DiskWrite(1, null, Entries(1, 4)));
        disk.CompleteThrough(1);
        disk.Faults = new DiskFaults { Random = new SimRandom(1), WriteFlipRate = 1.0 };
        disk.Submit(new DiskWrite(2, null, Array.Empty<Entry>(), Snapshot(4, 1)));
        disk.CompleteThrough(2);
        var e = Assert.Throws<InvalidDataException>(() => disk.Load());
        Assert.Contains("refusing to start", e.Message);
    }

    [Fact]
    public void TornSnapshotTail_IsDropped()
    {
        for (ulong seed = 1; seed <= 40; seed++)
        {
            var disk = Disk(torn: true, seed: seed);
            disk.Submit(new DiskWrite(1, null, Entries(1, 4)));
            disk.CompleteThrough(1);
            disk.Submit(new DiskWrite(2, null, Array.Empty<Entry>(), Snapshot(4, 1)));
            disk.Crash();
            var state = disk.Load(); // never throws: the snapshot was never acknowledged
            Assert.True(state.Snapshot is null ? state.Entries.Count == 4 : state.Snapshot.Index == 4 && state.Entries.Count == 0);
        }
    }
}
