using System.Buffers.Binary;

namespace Cairn.Host.Snapshot;

/// <summary>
/// Reads a bbolt database file (cairn's or real etcd's): picks the valid meta with the later transaction,
/// then walks bucket trees page by page from the file (branch pages, leaf pages, overflow pages, inline
/// buckets), holding one path of pages in memory. Every page id, element and length is checked against the
/// file; anything out of bounds or malformed throws <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class BoltReader : IDisposable
{
    /// <summary>Largest node (a page with its overflow pages) the reader loads.</summary>
    public const int NodeBytesMax = 512 * 1024 * 1024;

    private readonly FileStream _file;
    private readonly long _length;
    private long _pagesVisited;

    private BoltReader(FileStream file, long length, BoltMeta meta)
    {
        _file = file;
        _length = length;
        Meta = meta;
    }

    /// <summary>The meta in effect.</summary>
    public BoltMeta Meta { get; }

    /// <summary>Opens the first <paramref name="length"/> bytes of <paramref name="path"/> as a bbolt file.</summary>
    public static BoltReader Open(string path, long length)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            if (length > file.Length) throw new InvalidDataException($"{path} is shorter than {length} bytes");
            byte[] first = new byte[BoltLayout.PageHeaderSize + BoltLayout.MetaSize];
            if (length < first.Length) throw Bad("the file is shorter than a meta page");
            file.ReadExactly(first);
            string? why0 = BoltMeta.TryDecode(first, out BoltMeta meta0);
            string? why1 = "missing";
            BoltMeta meta1 = default;
            int pageSize = why0 is null ? meta0.PageSize : BoltLayout.PageSize;
            if (length >= pageSize + first.Length)
            {
                file.Seek(pageSize, SeekOrigin.Begin);
                file.ReadExactly(first);
                why1 = BoltMeta.TryDecode(first, out meta1);
            }
            if (why0 is not null && why1 is not null) throw Bad($"no valid meta page (page 0: {why0}; page 1: {why1})");
            BoltMeta meta = why1 is not null || (why0 is null && meta0.TxId >= meta1.TxId) ? meta0 : meta1;
            if (meta.PageCount > (ulong)(length / meta.PageSize)) throw Bad($"the meta counts {meta.PageCount} pages but the file holds {length / meta.PageSize} (truncated?)");
            if (meta.RootPage < 2 || meta.RootPage >= meta.PageCount) throw Bad($"root page {meta.RootPage} is out of bounds");
            return new BoltReader(file, length, meta);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The names of the top-level buckets, in order.</summary>
    public IEnumerable<byte[]> BucketNames()
    {
        _pagesVisited = 0;
        foreach (var e in Walk(ReadPage(Meta.RootPage), 0))
        {
            if ((e.Flags & BoltLayout.BucketLeafFlag) != 0) yield return e.Key;
        }
    }

    /// <summary>The key/value pairs of top-level bucket <paramref name="name"/> in key order (none when the
    /// bucket is missing); nested buckets inside it are skipped.</summary>
    public IEnumerable<(byte[] Key, byte[] Value)> Entries(byte[] name)
    {
        _pagesVisited = 0;
        foreach (var bucket in Walk(ReadPage(Meta.RootPage), 0))
        {
            if ((bucket.Flags & BoltLayout.BucketLeafFlag) == 0 || !bucket.Key.AsSpan().SequenceEqual(name)) continue;
            foreach (var e in Walk(BucketRoot(bucket.Value), 0))
            {
                if ((e.Flags & BoltLayout.BucketLeafFlag) == 0) yield return (e.Key, e.Value);
            }
            yield break;
        }
    }

    /// <summary>A bucket's root node: its page, or the inline page stored in the value after the header.</summary>
    private byte[] BucketRoot(byte[] value)
    {
        if (value.Length < BoltLayout.BucketHeaderSize) throw Bad($"bucket header of {value.Length} bytes");
        ulong root = BinaryPrimitives.ReadUInt64LittleEndian(value);
        if (root != 0) return ReadPage(root);
        byte[] inline = value[BoltLayout.BucketHeaderSize..];
        if (inline.Length < BoltLayout.PageHeaderSize) throw Bad("inline bucket shorter than a page header");
        return inline;
    }

    /// <summary>The elements under <paramref name="node"/>, in key order, reading child pages as it goes.</summary>
    private IEnumerable<(byte[] Key, byte[] Value, uint Flags)> Walk(byte[] node, int depth)
    {
        if (depth > BoltLayout.TreeDepthMax) throw Bad($"tree deeper than {BoltLayout.TreeDepthMax} levels (a cycle?)");
        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(node.AsSpan(8));
        int count = BinaryPrimitives.ReadUInt16LittleEndian(node.AsSpan(10));
        if ((long)BoltLayout.PageHeaderSize + (long)count * BoltLayout.LeafElementSize > node.Length) throw Bad($"{count} elements overrun their page");
        if (flags == BoltLayout.LeafPageFlag)
        {
            for (int i = 0; i < count; i++) yield return LeafElement(node, i);
        }
        else if (flags == BoltLayout.BranchPageFlag)
        {
            for (int i = 0; i < count; i++)
            {
                foreach (var e in Walk(ReadPage(BranchChild(node, i)), depth + 1)) yield return e;
            }
        }
        else
        {
            throw Bad($"page flags {flags:x} where a branch or leaf page belongs");
        }
    }

    private static (byte[] Key, byte[] Value, uint Flags) LeafElement(byte[] node, int i)
    {
        int at = BoltLayout.PageHeaderSize + i * BoltLayout.LeafElementSize;
        ReadOnlySpan<byte> e = node.AsSpan(at, BoltLayout.LeafElementSize);
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(e);
        long pos = at + (long)BinaryPrimitives.ReadUInt32LittleEndian(e[4..]);
        long ksize = BinaryPrimitives.ReadUInt32LittleEndian(e[8..]);
        long vsize = BinaryPrimitives.ReadUInt32LittleEndian(e[12..]);
        if (pos + ksize + vsize > node.Length) throw Bad($"leaf element {i} ({ksize}+{vsize} bytes at {pos}) overruns its page");
        return (node.AsSpan((int)pos, (int)ksize).ToArray(), node.AsSpan((int)(pos + ksize), (int)vsize).ToArray(), flags);
    }

    private static ulong BranchChild(byte[] node, int i)
    {
        int at = BoltLayout.PageHeaderSize + i * BoltLayout.BranchElementSize;
        ReadOnlySpan<byte> e = node.AsSpan(at, BoltLayout.BranchElementSize);
        long pos = at + (long)BinaryPrimitives.ReadUInt32LittleEndian(e);
        long ksize = BinaryPrimitives.ReadUInt32LittleEndian(e[4..]);
        if (pos + ksize > node.Length) throw Bad($"branch element {i} overruns its page");
        return BinaryPrimitives.ReadUInt64LittleEndian(e[8..]);
    }

    /// <summary>Reads page <paramref name="id"/> with its overflow pages, checking every bound.</summary>
    private byte[] ReadPage(ulong id)
    {
        int size = Meta.PageSize;
        if (id < 2 || id >= Meta.PageCount) throw Bad($"page {id} is out of bounds (the file has {Meta.PageCount} pages)");
        if (++_pagesVisited > (long)Meta.PageCount) throw Bad("pages are referenced more than once (a cycle?)");
        byte[] header = new byte[BoltLayout.PageHeaderSize];
        _file.Seek((long)id * size, SeekOrigin.Begin);
        _file.ReadExactly(header);
        ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(header);
        if (stored != id) throw Bad($"page {id} says it is page {stored}");
        ulong overflow = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(12));
        if (id + overflow >= Meta.PageCount) throw Bad($"page {id} overflows past the last page");
        long bytes = (long)(overflow + 1) * size;
        if (bytes > NodeBytesMax) throw Bad($"page {id} spans {bytes} bytes, more than {NodeBytesMax}");
        if ((long)id * size + bytes > _length) throw Bad($"page {id} runs past the end of the file (truncated?)");
        byte[] page = new byte[bytes];
        _file.Seek((long)id * size, SeekOrigin.Begin);
        _file.ReadExactly(page);
        return page;
    }

    private static InvalidDataException Bad(string what) => new($"invalid bbolt database: {what}");

    public void Dispose() => _file.Dispose();
}
