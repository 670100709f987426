using System.Buffers.Binary;

namespace Cairn.Host.Api;

/// <summary>One element of a bbolt bucket: a key, its value, and bbolt's element flags (1 = a nested bucket).</summary>
internal readonly record struct BoltItem(byte[] Key, byte[] Value, uint Flags = 0);

/// <summary>
/// Writes a bbolt database file (go.etcd.io/bbolt's on-disk format, 4 KiB pages, little endian): meta pages 0 and
/// 1, an empty freelist on page 2, then one B+tree per bucket (leaves of at most a page unless one element is
/// larger, which then spans overflow pages; branches above them) and the root bucket's tree last. Every page is
/// reachable, so bbolt's <c>tx.Check()</c> — which <c>etcdctl snapshot status</c> runs — finds nothing.
/// </summary>
internal sealed class BoltFile
{
    public const int PageSize = 4096;
    public const uint BucketFlag = 0x01;
    private const ushort BranchPage = 0x01, LeafPage = 0x02, MetaPage = 0x04, FreelistPage = 0x10;
    private const int HeaderBytes = 16, ElementBytes = 16;
    private const int ElementsPerPageMax = ushort.MaxValue;
    private const uint Magic = 0xED0CDAED, Version = 2;
    private const ulong FirstDataPage = 3;

    private readonly List<byte[]> _nodes = [];
    private ulong _nextPage = FirstDataPage;

    /// <summary>The file for these buckets, each with its items in key order (unsigned bytes).</summary>
    public static byte[] Write(IEnumerable<(byte[] Name, IReadOnlyList<BoltItem> Items)> buckets)
    {
        var file = new BoltFile();
        var roots = new List<BoltItem>();
        foreach ((byte[] name, IReadOnlyList<BoltItem> items) in buckets.OrderBy(b => b.Name, ByteOrder.Instance))
        {
            ulong root = file.WriteTree(items);
            byte[] header = new byte[16];
            BinaryPrimitives.WriteUInt64LittleEndian(header, root);
            roots.Add(new BoltItem(name, header, BucketFlag));
        }
        ulong rootPage = file.WriteTree(roots);
        return file.Assemble(rootPage);
    }

    private byte[] Assemble(ulong rootPage)
    {
        using var output = new MemoryStream();
        output.Write(Meta(0, rootPage, _nextPage, txid: 1));
        output.Write(Meta(1, rootPage, _nextPage, txid: 2));
        byte[] freelist = new byte[PageSize];
        Header(freelist, 2, FreelistPage, 0, 0);
        output.Write(freelist);
        foreach (byte[] node in _nodes) output.Write(node);
        return output.ToArray();
    }

    private ulong WriteTree(IReadOnlyList<BoltItem> items)
    {
        List<(byte[] FirstKey, ulong Page)> level = Chunks(items, i => i.Key.Length + i.Value.Length)
            .Select(chunk => (chunk.Count > 0 ? chunk[0].Key : [], WriteLeaf(chunk))).ToList();
        while (level.Count > 1)
        {
            level = Chunks(level, c => c.FirstKey.Length + 8).Select(chunk => (chunk[0].FirstKey, WriteBranch(chunk))).ToList();
        }
        return level[0].Page;
    }

    /// <summary>Consecutive runs of elements that fill at most a page each (a run always has one element,
    /// however large; an empty list gives one empty run).</summary>
    private static List<List<T>> Chunks<T>(IReadOnlyList<T> items, Func<T, int> dataBytes)
    {
        var chunks = new List<List<T>> { new() };
        int used = HeaderBytes;
        foreach (T item in items)
        {
            int bytes = ElementBytes + dataBytes(item);
            if (chunks[^1].Count > 0 && (used + bytes > PageSize || chunks[^1].Count == ElementsPerPageMax))
            {
                chunks.Add([]);
                used = HeaderBytes;
            }
            chunks[^1].Add(item);
            used += bytes;
        }
        return chunks;
    }

    private ulong WriteLeaf(List<BoltItem> items)
    {
        int data = HeaderBytes + ElementBytes * items.Count;
        (byte[] node, ulong id) = Allocate(data + items.Sum(i => i.Key.Length + i.Value.Length), LeafPage, items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            Span<byte> element = node.AsSpan(HeaderBytes + ElementBytes * i, ElementBytes);
            BinaryPrimitives.WriteUInt32LittleEndian(element, items[i].Flags);
            BinaryPrimitives.WriteUInt32LittleEndian(element[4..], (uint)(data - (HeaderBytes + ElementBytes * i)));
            BinaryPrimitives.WriteUInt32LittleEndian(element[8..], (uint)items[i].Key.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(element[12..], (uint)items[i].Value.Length);
            items[i].Key.CopyTo(node, data);
            items[i].Value.CopyTo(node, data + items[i].Key.Length);
            data += items[i].Key.Length + items[i].Value.Length;
        }
        return id;
    }

    private ulong WriteBranch(List<(byte[] FirstKey, ulong Page)> children)
    {
        int data = HeaderBytes + ElementBytes * children.Count;
        (byte[] node, ulong id) = Allocate(data + children.Sum(c => c.FirstKey.Length), BranchPage, children.Count);
        for (int i = 0; i < children.Count; i++)
        {
            Span<byte> element = node.AsSpan(HeaderBytes + ElementBytes * i, ElementBytes);
            BinaryPrimitives.WriteUInt32LittleEndian(element, (uint)(data - (HeaderBytes + ElementBytes * i)));
            BinaryPrimitives.WriteUInt32LittleEndian(element[4..], (uint)children[i].FirstKey.Length);
            BinaryPrimitives.WriteUInt64LittleEndian(element[8..], children[i].Page);
            children[i].FirstKey.CopyTo(node, data);
            data += children[i].FirstKey.Length;
        }
        return id;
    }

    private (byte[] Node, ulong Id) Allocate(int bytes, ushort flags, int count)
    {
        int pages = (bytes + PageSize - 1) / PageSize;
        byte[] node = new byte[pages * PageSize];
        ulong id = _nextPage;
        _nextPage += (ulong)pages;
        Header(node, id, flags, count, pages - 1);
        _nodes.Add(node);
        return (node, id);
    }

    private static void Header(Span<byte> page, ulong id, ushort flags, int count, int overflow)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(page, id);
        BinaryPrimitives.WriteUInt16LittleEndian(page[8..], flags);
        BinaryPrimitives.WriteUInt16LittleEndian(page[10..], (ushort)count);
        BinaryPrimitives.WriteUInt32LittleEndian(page[12..], (uint)overflow);
    }

    private static byte[] Meta(ulong id, ulong rootPage, ulong pageCount, ulong txid)
    {
        byte[] page = new byte[PageSize];
        Header(page, id, MetaPage, 0, 0);
        Span<byte> meta = page.AsSpan(HeaderBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(meta, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(meta[4..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(meta[8..], PageSize);
        BinaryPrimitives.WriteUInt64LittleEndian(meta[16..], rootPage); // root bucket; its sequence (24..32) stays 0
        BinaryPrimitives.WriteUInt64LittleEndian(meta[32..], 2); // freelist page
        BinaryPrimitives.WriteUInt64LittleEndian(meta[40..], pageCount);
        BinaryPrimitives.WriteUInt64LittleEndian(meta[48..], txid);
        BinaryPrimitives.WriteUInt64LittleEndian(meta[56..], Fnv1a64(meta[..56]));
        return page;
    }

    public static ulong Fnv1a64(ReadOnlySpan<byte> bytes)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in bytes) hash = (hash ^ b) * 1099511628211UL;
        return hash;
    }

    /// <summary>Reads one bucket's items back (the root bucket's named child; inline buckets too).</summary>
    public static List<BoltItem> ReadBucket(byte[] file, byte[] name)
    {
        if (file.Length < 2 * PageSize || BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(HeaderBytes)) != Magic)
        {
            throw new InvalidDataException("not a bbolt file");
        }
        int pageSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(HeaderBytes + 8));
        long rootPage = (long)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(HeaderBytes + 16));
        var roots = new List<BoltItem>();
        ReadTree(file, pageSize, rootPage * pageSize, roots);
        BoltItem bucket = roots.FirstOrDefault(r => (r.Flags & BucketFlag) != 0 && r.Key.AsSpan().SequenceEqual(name));
        if (bucket.Key is null) throw new InvalidDataException("bbolt file has no bucket " + System.Text.Encoding.UTF8.GetString(name));
        var items = new List<BoltItem>();
        long root = (long)BinaryPrimitives.ReadUInt64LittleEndian(bucket.Value);
        if (root == 0)
        {
            ReadTree(bucket.Value, pageSize, 16, items); // inline bucket: its page follows the bucket header
        }
        else
        {
            ReadTree(file, pageSize, root * pageSize, items);
        }
        return items;
    }

    private static void ReadTree(byte[] file, int pageSize, long offset, List<BoltItem> into)
    {
        if (offset < 0 || offset + HeaderBytes > file.Length) throw new InvalidDataException("bbolt page out of bounds");
        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan((int)offset + 8));
        int count = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan((int)offset + 10));
        for (int i = 0; i < count; i++)
        {
            int element = (int)offset + HeaderBytes + ElementBytes * i;
            if ((flags & BranchPage) != 0)
            {
                long child = (long)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(element + 8));
                ReadTree(file, pageSize, child * pageSize, into);
                continue;
            }
            uint elementFlags = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(element));
            int position = element + (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(element + 4));
            int keyBytes = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(element + 8));
            int valueBytes = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(element + 12));
            into.Add(new BoltItem(file.AsSpan(position, keyBytes).ToArray(),
                file.AsSpan(position + keyBytes, valueBytes).ToArray(), elementFlags));
        }
    }

    /// <summary>bbolt's key order: unsigned bytes, a prefix first.</summary>
    public sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
