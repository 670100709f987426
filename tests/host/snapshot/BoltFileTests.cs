using System.Buffers.Binary;
using Xunit;

namespace Cairn.Host.Snapshot.Tests;

/// <summary>The bbolt writer and reader: round trips over many pages, branch levels, overflow pages and
/// empty buckets, and corrupt or truncated files refused with a clear error.</summary>
public sealed class BoltFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cairn-bolt-" + Guid.NewGuid().ToString("N"));

    public BoltFileTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Key(int i) => System.Text.Encoding.ASCII.GetBytes($"key/{i:D7}");

    private static byte[] Value(int i, int size)
    {
        byte[] value = new byte[size];
        new Random(i).NextBytes(value);
        return value;
    }

    /// <summary>Writes buckets "a" (<paramref name="keys"/> keys of <paramref name="valueSize"/> bytes),
    /// "big" (values larger than a page) and "empty"; returns the path.</summary>
    private string WriteFile(int keys, int valueSize)
    {
        string path = Path.Combine(_dir, "test.db");
        using var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite);
        var bolt = new BoltWriter(file);
        BoltTreeWriter a = bolt.BeginBucket("a"u8.ToArray());
        for (int i = 0; i < keys; i++) a.Add(Key(i), Value(i, valueSize));
        bolt.EndBucket();
        bolt.BeginBucket("empty"u8.ToArray());
        bolt.EndBucket();
        BoltTreeWriter big = bolt.BeginBucket("big"u8.ToArray());
        for (int i = 0; i < 5; i++) big.Add(Key(i), Value(i, 3 * BoltLayout.PageSize + i * 1000));
        bolt.EndBucket();
        bolt.Finish();
        return path;
    }

    private static (byte[] Key, byte[] Value)[] ReadAll(string path, string bucket)
    {
        using var reader = BoltReader.Open(path, new FileInfo(path).Length);
        return reader.Entries(System.Text.Encoding.ASCII.GetBytes(bucket)).ToArray();
    }

    [Fact]
    public void Many_keys_across_branch_levels_round_trip_in_order()
    {
        const int keys = 50_000;
        string path = WriteFile(keys, 40);
        Assert.Equal(0, new FileInfo(path).Length % BoltLayout.PageSize);
        var read = ReadAll(path, "a");
        Assert.Equal(keys, read.Length);
        for (int i = 0; i < keys; i++)
        {
            Assert.Equal(Key(i), read[i].Key);
            Assert.Equal(Value(i, 40), read[i].Value);
        }
        using var bolt = BoltReader.Open(path, new FileInfo(path).Length);
        Assert.Equal(["a", "big", "empty"], bolt.BucketNames().Select(n => System.Text.Encoding.ASCII.GetString(n)));
        Assert.True(TreeDepth(path, "a") >= 3, "50,000 keys need a leaf level and two branch levels");
    }

    [Fact]
    public void Values_larger_than_a_page_use_overflow_pages_and_empty_buckets_read_empty()
    {
        string path = WriteFile(10, 10);
        var big = ReadAll(path, "big");
        Assert.Equal(5, big.Length);
        for (int i = 0; i < 5; i++) Assert.Equal(Value(i, 3 * BoltLayout.PageSize + i * 1000), big[i].Value);
        Assert.Empty(ReadAll(path, "empty"));
        Assert.Empty(ReadAll(path, "missing"));
    }

    [Fact]
    public void Keys_out_of_order_are_refused_by_the_writer()
    {
        using var file = new MemoryStream();
        var bolt = new BoltWriter(file);
        BoltTreeWriter tree = bolt.BeginBucket("a"u8.ToArray());
        tree.Add("b"u8.ToArray(), []);
        Assert.Throws<ArgumentException>(() => tree.Add("a"u8.ToArray(), []));
        Assert.Throws<ArgumentException>(() => tree.Add("b"u8.ToArray(), []));
    }

    [Fact]
    public void A_truncated_file_is_refused()
    {
        string path = WriteFile(5_000, 40);
        long length = new FileInfo(path).Length;
        foreach (long cut in new[] { 10L, BoltLayout.PageSize + 20, length / 2, length - BoltLayout.PageSize })
        {
            var e = Assert.Throws<InvalidDataException>(() => ReadAll(path, cut));
            Assert.Contains("invalid bbolt database", e.Message);
        }
    }

    [Fact]
    public void Flipped_meta_bytes_and_bad_page_references_are_refused()
    {
        string path = WriteFile(5_000, 40);
        byte[] original = File.ReadAllBytes(path);
        // Both metas' magic: no valid meta.
        byte[] bytes = (byte[])original.Clone();
        bytes[BoltLayout.PageHeaderSize] ^= 1;
        bytes[BoltLayout.PageSize + BoltLayout.PageHeaderSize] ^= 1;
        AssertRefused(bytes, "no valid meta page");
        // One meta's checksum: the other one is used.
        bytes = (byte[])original.Clone();
        bytes[BoltLayout.PageSize + BoltLayout.PageHeaderSize + 20] ^= 1;
        File.WriteAllBytes(path, bytes);
        Assert.Equal(5_000, ReadAll(path, "a").Length);
        // A page header naming another page, and a garbage page type.
        for (int page = 3; page < 8; page++)
        {
            bytes = (byte[])original.Clone();
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(page * BoltLayout.PageSize), 999_999);
            AssertRefused(bytes, "invalid bbolt database");
            bytes = (byte[])original.Clone();
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(page * BoltLayout.PageSize + 8), 0x40);
            AssertRefused(bytes, "invalid bbolt database");
        }
        // Element lengths pointing past the page.
        bytes = (byte[])original.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(3 * BoltLayout.PageSize + BoltLayout.PageHeaderSize + 12), 1_000_000);
        AssertRefused(bytes, "overruns its page");
    }

    private void AssertRefused(byte[] bytes, string message)
    {
        string path = Path.Combine(_dir, "bad.db");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() =>
        {
            using var reader = BoltReader.Open(path, bytes.Length);
            foreach (byte[] name in reader.BucketNames().ToList()) _ = reader.Entries(name).Count();
        });
        Assert.Contains(message, e.Message);
    }

    private static (byte[], byte[])[] ReadAll(string path, long length)
    {
        using var reader = BoltReader.Open(path, length);
        return reader.Entries("a"u8.ToArray()).ToArray();
    }

    /// <summary>Levels from bucket <paramref name="bucket"/>'s root page down to its leaves.</summary>
    private static int TreeDepth(string path, string bucket)
    {
        byte[] file = File.ReadAllBytes(path);
        ulong rootBucketPage = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(BoltLayout.PageHeaderSize + 16));
        ulong page = BucketRootPage(file, rootBucketPage, bucket);
        int depth = 1;
        while (BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan((int)page * BoltLayout.PageSize + 8)) == BoltLayout.BranchPageFlag)
        {
            page = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan((int)page * BoltLayout.PageSize + BoltLayout.PageHeaderSize + 8));
            depth++;
        }
        return depth;
    }

    private static ulong BucketRootPage(byte[] file, ulong rootLeaf, string bucket)
    {
        int at = (int)rootLeaf * BoltLayout.PageSize;
        int count = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(at + 10));
        for (int i = 0; i < count; i++)
        {
            int element = at + BoltLayout.PageHeaderSize + i * BoltLayout.LeafElementSize;
            int pos = element + (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(element + 4));
            int ksize = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(element + 8));
            if (System.Text.Encoding.ASCII.GetString(file, pos, ksize) == bucket) return BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(pos + ksize));
        }
        throw new InvalidOperationException("no bucket " + bucket);
    }
}
