using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;
using Cairn.Core.Wire;
using Cairn.Simulation.Engine;
using Cairn.Simulation.World;
using Google.Protobuf;
using Xunit;

namespace Cairn.Simulation.Tests.Disk;

/// <summary>
/// Storage faults a payload checksum alone cannot classify (docs/simulation.md, "Disk damage and what a node
/// does on load"). The persistence contract (Raft Figure 2: term, vote and log are persistent): an acknowledged
/// vote or entry is never silently dropped. Only a torn or unwritten record past the sync watermark is a torn tail;
/// every other damage makes the node refuse to start.
/// </summary>
public class SimDiskCorruptionTests
{
    private static DiskWrite Write(long id, ulong index, ulong term = 1, HardState? hs = null) =>
        new(id, hs, new[] { new Entry { Term = term, Index = index, Data = ByteString.CopyFromUtf8($"entry {index} with some payload") } });

    private static SimDisk Disk(DiskFaults? faults = null, ulong seed = 1) =>
        new(faults ?? new DiskFaults { Random = new SimRandom(seed) });

    /// <summary>Five synced records, one entry each; the first also votes.</summary>
    private static SimDisk SyncedDisk(DiskFaults? faults = null, ulong seed = 1)
    {
        var disk = Disk(faults, seed);
        disk.Submit(Write(1, 1, hs: new HardState { Term = 1, Vote = 1 }));
        for (var i = 2; i <= 5; i++) disk.Submit(Write(i, (ulong)i));
        disk.CompleteThrough(5);
        return disk;
    }

    private static string Refused(SimDisk disk)
    {
        var e = Assert.Throws<InvalidDataException>(() => disk.Load());
        Assert.Contains("refusing to start", e.Message);
        Assert.Throws<InvalidDataException>(() => disk.Load()); // fail-stop: it stays down
        return e.Message;
    }

    [Theory]
    [InlineData(1)] // in the middle of the log
    [InlineData(4)] // the last record: a synced record with a bad length is not a torn tail
    public void CorruptLengthWord_InASyncedRecord_IsNotATornTail_NodeRefusesToStart(int slot)
    {
        for (ulong seed = 1; seed <= 20; seed++)
        {
            var disk = SyncedDisk(seed: seed);
            disk.Damage(slot, SimDisk.RecordDamage.LengthWord);
            Assert.Contains("header checksum", Refused(disk));
        }
    }

    [Theory]
    [InlineData("multi-bit")]
    [InlineData("burst")]
    public void MultiBitAndBurstDamage_AnywhereInASyncedRecord_NodeRefusesToStart(string shape)
    {
        var damage = shape == "burst" ? SimDisk.RecordDamage.Burst : SimDisk.RecordDamage.MultiBit;
        for (ulong seed = 1; seed <= 50; seed++)
        {
            var disk = SyncedDisk(seed: seed);
            disk.Damage((int)(seed % 5), damage);
            Refused(disk);
        }
    }

    [Fact]
    public void MisdirectedWrite_IsCaughtByTheRecordsOwnSequence()
    {
        var disk = SyncedDisk(new DiskFaults { Random = new SimRandom(3), MisdirectRate = 1.0 });
        disk.Submit(Write(6, 6));
        disk.CompleteThrough(6);
        Assert.True(disk.WritesMisdirected > 0);
        Assert.Contains("misdirected", Refused(disk));
    }

    [Fact]
    public void LostWrite_AtTheEndOfTheLog_IsCaughtByTheSyncWatermark()
    {
        var disk = SyncedDisk(new DiskFaults { Random = new SimRandom(1), LostWriteRate = 1.0 });
        Assert.Equal(5, disk.WritesLost);
        Assert.Contains("lost write", Refused(disk));
    }

    [Fact]
    public void LostWrite_InTheMiddleOfTheLog_IsCaughtByTheSyncWatermark()
    {
        for (ulong seed = 1; seed <= 20; seed++)
        {
            var disk = SyncedDisk(new DiskFaults { Random = new SimRandom(seed), LostWriteRate = 0.3 });
            if (disk.WritesLost == 0) { Assert.Equal(5, disk.Load().Entries.Count); continue; }
            Assert.Contains("lost write", Refused(disk));
        }
    }

    [Fact]
    public void TornUnsyncedTail_PastTheWatermark_IsStillDropped()
    {
        var torn = 0;
        for (ulong seed = 1; seed <= 60; seed++)
        {
            var disk = SyncedDisk(new DiskFaults { Random = new SimRandom(seed), TornWrites = true }, seed);
            for (var i = 6; i <= 9; i++) disk.Submit(Write(i, (ulong)i));
            disk.Crash();
            var state = disk.Load(); // never throws: only unsynced records can be torn
            Assert.InRange(state.Entries.Count, 5, 9);
            Assert.Null(disk.LostOnLoad);
            torn += (int)disk.TornTailsDiscarded;
        }
        Assert.True(torn > 0, "no seed tore a write");
    }

    [Fact]
    public void CanaryReader_TruncatesAtACorruptLengthWord_AndTheOracleSeesTheLoss()
    {
        var disk = SyncedDisk(new DiskFaults { Random = new SimRandom(1), CorruptLengthAsTornTail = true });
        disk.Damage(2, SimDisk.RecordDamage.LengthWord);
        var state = disk.Load();
        Assert.Equal(2, state.Entries.Count); // entries 3..5 were synced, and acknowledged: silently gone
        Assert.Contains("came back as", disk.LostOnLoad);
    }

    [Fact]
    public void SoundDisk_LoadsExactlyWhatItSynced()
    {
        var disk = SyncedDisk();
        Assert.Equal(4, disk.SyncedThrough);
        Assert.Equal(5, disk.Load().Entries.Count);
        Assert.Null(disk.LostOnLoad);
    }

    [Fact]
    public void DamagedFrames_MultiBitAndBurst_AreAlwaysDroppedByTheFrameChecksum()
    {
        var random = new SimRandom(7);
        var frame = FrameCodec.Encode(new Message { Type = MessageType.MsgAppend, From = 1, To = 2, Term = 3, Entries = { new Entry { Index = 1, Term = 3, Data = ByteString.CopyFrom(new byte[300]) } } });
        for (var i = 0; i < 20_000; i++)
        {
            var damaged = SimNetwork.Damage(frame, random);
            Assert.False(damaged.AsSpan().SequenceEqual(frame));
            Assert.Null(FrameCodec.TryDecode(damaged, out _));
        }
    }
}
