using Cairn.Core.Runtime;
using Cairn.Core.Wire;
using Xunit;

namespace Cairn.Host.Storage.Tests.SnapshotStore;

/// <summary>
/// The contract every <see cref="ISnapshotStore"/> keeps (src/Core/Runtime/SnapshotStore.cs), run against the
/// simulator's store and the host's files: committed files read back whole and by offset, Open refuses a file whose
/// name, length or CRC-32C does not match, uncommitted writers leave nothing Retain does not remove, and Retain
/// never pulls bytes from under an open reader.
/// </summary>
public abstract class SnapshotStoreContract : IDisposable
{
    /// <summary>Bytes of the large snapshot: several MiB, not a multiple of any piece size.</summary>
    protected const int LargeBytes = 3 * 1024 * 1024 + 12_345;

    /// <summary>The store under test.</summary>
    protected abstract ISnapshotStore Store { get; }

    /// <summary>Every file the store holds, committed or not (by name).</summary>
    protected abstract IReadOnlyCollection<string> StoredFiles { get; }

    /// <summary>Flips one byte of committed file <paramref name="name"/> where it is stored, as a rotten sector would.</summary>
    protected abstract void FlipByte(string name, long offset);

    public abstract void Dispose();

    protected static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Writes <paramref name="bytes"/> in pieces of varying size and commits them.</summary>
    protected string Save(ulong index, ulong term, byte[] bytes)
    {
        using var writer = Store.Create(index, term);
        var sizes = new[] { 1, 4096, 100_003, 65_536, 7 };
        for (int offset = 0, i = 0; offset < bytes.Length; i++)
        {
            var size = Math.Min(sizes[i % sizes.Length], bytes.Length - offset);
            writer.Write(bytes.AsSpan(offset, size));
            offset += size;
            Assert.Equal(offset, writer.Length);
        }
        return writer.Commit();
    }

    protected ISnapshotReader OpenOf(string name, byte[] bytes) => Store.Open(name, bytes.Length, Crc32C.Compute(bytes));

    private static byte[] ReadAll(ISnapshotReader reader, int pieceBytes)
    {
        var bytes = new byte[reader.Length];
        for (long offset = 0; offset < bytes.Length; offset += pieceBytes)
            reader.Read(offset, bytes.AsSpan((int)offset, (int)Math.Min(pieceBytes, bytes.Length - offset)));
        return bytes;
    }

    [Fact]
    public void A_multi_MiB_file_written_in_pieces_reads_back_whole()
    {
        var bytes = Bytes(LargeBytes, 1);
        var name = Save(42, 3, bytes);
        using var reader = OpenOf(name, bytes);
        Assert.Equal(bytes.Length, reader.Length);
        Assert.Equal(bytes, ReadAll(reader, 256 * 1024));
    }

    [Fact]
    public void Names_follow_term_and_index_and_end_in_snap()
    {
        var name = Save(0x2a, 3, Bytes(10, 2));
        Assert.StartsWith("0000000000000003-000000000000002a-", name);
        Assert.EndsWith(".snap", name);
    }

    [Fact]
    public void Reads_at_arbitrary_offsets_return_the_right_bytes()
    {
        var bytes = Bytes(LargeBytes, 3);
        var name = Save(7, 2, bytes);
        using var reader = OpenOf(name, bytes);
        var random = new Random(4);
        for (var i = 0; i < 200; i++)
        {
            var offset = random.NextInt64(0, bytes.Length);
            var length = (int)Math.Min(random.Next(0, 300_000), bytes.Length - offset);
            var read = new byte[length];
            reader.Read(offset, read);
            Assert.True(bytes.AsSpan((int)offset, length).SequenceEqual(read), $"offset {offset}, length {length}");
        }
        var last = new byte[1];
        reader.Read(bytes.Length - 1, last);
        Assert.Equal(bytes[^1], last[0]);
        reader.Read(bytes.Length, Span<byte>.Empty);
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.Read(bytes.Length - 1, new byte[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.Read(-1, new byte[1]));
    }

    [Fact]
    public void An_empty_file_round_trips()
    {
        var name = Save(1, 1, []);
        using var reader = OpenOf(name, []);
        Assert.Equal(0, reader.Length);
    }

    [Fact]
    public void Open_refuses_a_wrong_length()
    {
        var bytes = Bytes(5000, 5);
        var name = Save(5, 1, bytes);
        Assert.Throws<InvalidDataException>(() => Store.Open(name, bytes.Length - 1, Crc32C.Compute(bytes)));
        Assert.Throws<InvalidDataException>(() => Store.Open(name, bytes.Length + 1, Crc32C.Compute(bytes)));
    }

    [Fact]
    public void Open_refuses_a_wrong_crc()
    {
        var bytes = Bytes(5000, 6);
        var name = Save(5, 1, bytes);
        Assert.Throws<InvalidDataException>(() => Store.Open(name, bytes.Length, Crc32C.Compute(bytes) ^ 1));
    }

    [Fact]
    public void Open_refuses_a_missing_name()
    {
        var name = Save(5, 1, Bytes(10, 7));
        Store.Retain(null);
        Assert.Throws<InvalidDataException>(() => Store.Open(name, 10, 0));
        Assert.Throws<InvalidDataException>(() => Store.Open("0000000000000001-0000000000000001-000000ff.snap", 0, 0));
    }

    [Fact]
    public void Open_refuses_a_file_with_a_flipped_byte()
    {
        var bytes = Bytes(LargeBytes, 8);
        var name = Save(9, 2, bytes);
        FlipByte(name, 2 * 1024 * 1024 + 17);
        Assert.Throws<InvalidDataException>(() => OpenOf(name, bytes));
    }

    [Fact]
    public void An_uncommitted_writer_leaves_nothing_after_retain()
    {
        using (var writer = Store.Create(3, 1)) writer.Write(Bytes(200_000, 9));
        Store.Retain(null);
        Assert.Empty(StoredFiles);
        var bytes = Bytes(100, 10);
        var name = Save(3, 1, bytes);
        Assert.Equal(new[] { name }, StoredFiles);
        using var reader = OpenOf(name, bytes);
        Assert.Equal(bytes, ReadAll(reader, 64));
    }

    [Fact]
    public void Retain_leaves_an_open_writer_alone()
    {
        var bytes = Bytes(300_000, 11);
        using var writer = Store.Create(4, 1);
        writer.Write(bytes.AsSpan(0, 1000));
        Store.Retain(null);
        writer.Write(bytes.AsSpan(1000));
        var name = writer.Commit();
        using var reader = OpenOf(name, bytes);
        Assert.Equal(bytes, ReadAll(reader, 70_000));
    }

    [Fact]
    public void A_writer_accepts_nothing_after_commit()
    {
        using var writer = Store.Create(4, 1);
        writer.Write([1, 2, 3]);
        writer.Commit();
        Assert.Throws<InvalidOperationException>(() => writer.Write([4]));
        Assert.Throws<InvalidOperationException>(() => writer.Commit());
    }

    [Fact]
    public void Retain_removes_all_but_keep_and_an_open_reader_still_reads()
    {
        var old = Bytes(LargeBytes, 12);
        var kept = Bytes(1000, 13);
        var oldName = Save(10, 1, old);
        var keptName = Save(20, 2, kept);
        using var reader = OpenOf(oldName, old);
        Store.Retain(keptName);
        Assert.Equal(new[] { keptName }, StoredFiles);
        Assert.Throws<InvalidDataException>(() => OpenOf(oldName, old));
        Assert.Equal(old, ReadAll(reader, 1024 * 1024));
        using var keptReader = OpenOf(keptName, kept);
        Assert.Equal(kept, ReadAll(keptReader, 100));
    }

    [Fact]
    public void Names_are_unique_at_the_same_index_and_term()
    {
        var first = Bytes(100, 14);
        var second = Bytes(100, 15);
        var a = Save(30, 3, first);
        var b = Save(30, 3, second);
        Assert.NotEqual(a, b);
        using var readerA = OpenOf(a, first);
        using var readerB = OpenOf(b, second);
        Assert.Equal(first, ReadAll(readerA, 100));
        Assert.Equal(second, ReadAll(readerB, 100));
    }
}
