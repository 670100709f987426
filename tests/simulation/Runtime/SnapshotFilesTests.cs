using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;
using Cairn.Core.Wire;
using Cairn.Simulation.World;
using Xunit;

namespace Cairn.Simulation.Tests.Runtime;

/// <summary>
/// Raft §7 with snapshots as files (issue 8 phase 2): a snapshot is written in pieces and committed as one record that
/// names its file with the length and CRC-32C of the bytes written, read back by offset or as a stream, and every file
/// the durable record does not name is removed. Without a snapshot store the bytes stay inline in the record.
/// </summary>
public class SnapshotFilesTests
{
    private static byte[] Bytes(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + 3)).ToArray();

    private static SnapshotRecord Write(SnapshotFiles files, byte[] data, ulong index = 9, ulong term = 2)
    {
        using var writer = files.Begin(index, term);
        for (var at = 0; at < data.Length; at += 1000) writer.Write(data.AsSpan(at, Math.Min(1000, data.Length - at)));
        return writer.Commit();
    }

    [Fact]
    public void A_committed_snapshot_names_its_file_with_the_length_and_crc_of_what_was_written()
    {
        var store = new SimSnapshotStore();
        var data = Bytes(10_000);
        var record = Write(new SnapshotFiles(store), data);
        Assert.NotEmpty(record.File);
        Assert.True(record.Data.IsEmpty);
        Assert.Equal((ulong)data.Length, record.Length);
        Assert.Equal(Crc32C.Compute(data), record.Crc);
        Assert.Equal([record.File], store.Names);
    }

    [Fact]
    public void Without_a_store_the_bytes_stay_inline_in_the_record()
    {
        var data = Bytes(5_000);
        var record = Write(SnapshotFiles.Inline, data);
        Assert.Empty(record.File);
        Assert.Equal(data, record.Data.ToByteArray());
        Assert.Equal(Crc32C.Compute(data), record.Crc);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_snapshot_reads_back_by_offset_and_as_a_stream(bool withStore)
    {
        var files = withStore ? new SnapshotFiles(new SimSnapshotStore()) : SnapshotFiles.Inline;
        var data = Bytes(70_000);
        var record = Write(files, data);
        var source = files.Source(record);
        Assert.Equal(data.Length, source.Length);
        Assert.Equal(record.Crc, source.Crc);
        var middle = new byte[500];
        source.Read(30_000, middle);
        Assert.Equal(data.AsSpan(30_000, 500).ToArray(), middle);
        using var stream = files.OpenRead(record);
        using var copy = new MemoryStream();
        stream.CopyTo(copy, 777);
        Assert.Equal(data, copy.ToArray());
    }

    [Fact]
    public void A_record_whose_file_does_not_match_is_refused()
    {
        var store = new SimSnapshotStore();
        var files = new SnapshotFiles(store);
        var record = Write(files, Bytes(4_000));
        var wrong = record.Clone();
        wrong.Crc ^= 1;
        Assert.Throws<InvalidDataException>(() => files.Source(wrong));
        Assert.Throws<InvalidDataException>(() => SnapshotFiles.Inline.Source(record)); // names a file, but no store
    }

    [Fact]
    public void Retain_keeps_only_the_durable_snapshot_and_an_abandoned_write_leaves_nothing()
    {
        var store = new SimSnapshotStore();
        var files = new SnapshotFiles(store);
        var older = Write(files, Bytes(100), index: 5);
        var newer = Write(files, Bytes(200), index: 8);
        var pinned = files.Source(older); // a transfer under way
        using (var abandoned = files.Begin(11, 3)) abandoned.Write(Bytes(50));
        files.Retain(newer);
        Assert.Equal([newer.File], store.Names);
        var first = new byte[10];
        pinned.Read(0, first); // a reader opened before keeps reading
        Assert.Equal(Bytes(10), first);
        files.Retain(new SnapshotRecord { Index = 12, Term = 3, InStore = true }); // a store-held compaction names no file
        Assert.Empty(store.Names);
    }
}
