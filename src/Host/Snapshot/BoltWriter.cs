using System.Buffers.Binary;

namespace Cairn.Host.Snapshot;

/// <summary>
/// Writes a bbolt database file front to back: pages 0 and 1 (the metas) and 2 (an empty freelist) are
/// reserved, then each bucket's tree is written as its keys arrive (<see cref="BeginBucket"/>), one bucket at a
/// time, and <see cref="Finish"/> writes the root bucket (one element per bucket, pointing at its root page),
/// the freelist and both metas. Every page below the high-water mark belongs to a tree, so bbolt's
/// consistency check (<c>tx.Check</c>, run by <c>etcdctl snapshot status</c>) finds nothing unreachable.
/// </summary>
internal sealed class BoltWriter
{
    /// <summary>The freelist page: empty, since nothing in a fresh file is free.</summary>
    public const ulong FreelistPage = 2;

    /// <summary>The first page of the buckets' trees.</summary>
    public const ulong FirstTreePage = 3;

    /// <summary>Most buckets a file holds (etcd has ten).</summary>
    public const int BucketsMax = 1024;

    private readonly Stream _output;
    private readonly List<(byte[] Name, ulong Root)> _buckets = [];
    private byte[] _buffer = new byte[BoltLayout.PageSize];
    private BoltTreeWriter? _open;
    private byte[]? _openName;
    private ulong _nextPage = FirstTreePage;

    /// <summary>Writes to <paramref name="output"/>, which must be empty, seekable and writable.</summary>
    public BoltWriter(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!output.CanSeek || !output.CanWrite) throw new ArgumentException("a bbolt file is written to a seekable stream", nameof(output));
        _output = output;
        _output.SetLength(0);
        _output.Write(new byte[(int)FirstTreePage * BoltLayout.PageSize]);
    }

    /// <summary>Pages written so far (the high-water mark).</summary>
    public ulong PageCount => _nextPage;

    /// <summary>Starts bucket <paramref name="name"/>: add its keys in order to the returned tree, then
    /// <see cref="EndBucket"/>. One bucket at a time; names must be distinct.</summary>
    public BoltTreeWriter BeginBucket(byte[] name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_open is not null) throw new InvalidOperationException("a bucket is already open");
        if (_buckets.Count >= BucketsMax) throw new InvalidOperationException($"more than {BucketsMax} buckets");
        if (_buckets.Any(b => b.Name.AsSpan().SequenceEqual(name))) throw new ArgumentException("bucket names must be distinct", nameof(name));
        _openName = name;
        return _open = new BoltTreeWriter(this);
    }

    /// <summary>Writes the rest of the open bucket's tree.</summary>
    public void EndBucket()
    {
        if (_open is null) throw new InvalidOperationException("no bucket is open");
        _buckets.Add((_openName!, _open.Finish()));
        _open = null;
    }

    /// <summary>Writes the root bucket, the freelist and the two metas, and flushes.</summary>
    public void Finish()
    {
        if (_open is not null) throw new InvalidOperationException("a bucket is still open");
        var root = new BoltTreeWriter(this);
        foreach (var (name, bucketRoot) in _buckets.OrderBy(b => b.Name, ByteOrder.Instance))
        {
            byte[] header = new byte[BoltLayout.BucketHeaderSize];
            BinaryPrimitives.WriteUInt64LittleEndian(header, bucketRoot);
            root.Add(name, header, BoltLayout.BucketLeafFlag);
        }
        ulong rootPage = root.Finish();
        byte[] page = new byte[BoltLayout.PageSize];
        BinaryPrimitives.WriteUInt64LittleEndian(page, FreelistPage);
        BinaryPrimitives.WriteUInt16LittleEndian(page.AsSpan(8), BoltLayout.FreelistPageFlag);
        WriteAt(FreelistPage, page);
        for (ulong id = 0; id < 2; id++)
        {
            // bbolt writes meta page txid % 2; both are valid, the later one is current.
            new BoltMeta(BoltLayout.PageSize, rootPage, FreelistPage, _nextPage, TxId: 2 + id).Encode(id, page);
            WriteAt(id, page);
        }
        _output.Seek((long)_nextPage * BoltLayout.PageSize, SeekOrigin.Begin);
        _output.Flush();
    }

    /// <summary>Writes <paramref name="node"/> at the next free page (and its overflow pages); returns its page id.</summary>
    internal ulong WriteNode(BoltNode node)
    {
        ulong id = _nextPage;
        int bytes = node.PageCount * BoltLayout.PageSize;
        if (_buffer.Length < bytes) _buffer = new byte[bytes];
        node.Encode(id, _buffer.AsSpan(0, bytes));
        WriteAt(id, _buffer.AsSpan(0, bytes));
        _nextPage += (ulong)node.PageCount;
        return id;
    }

    private void WriteAt(ulong page, ReadOnlySpan<byte> bytes)
    {
        _output.Seek((long)page * BoltLayout.PageSize, SeekOrigin.Begin);
        _output.Write(bytes);
    }
}
