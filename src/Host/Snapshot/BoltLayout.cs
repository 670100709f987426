namespace Cairn.Host.Snapshot;

/// <summary>
/// bbolt's on-disk format (etcd's backend file), version 2: every page starts with a 16-byte header
/// (<c>id u64, flags u16, count u16, overflow u32</c>, little-endian); pages 0 and 1 are the two meta pages,
/// a node bigger than a page continues over <c>overflow</c> pages that follow it.
/// </summary>
internal static class BoltLayout
{
    /// <summary>The page size cairn writes (etcd's, on every platform it runs on).</summary>
    public const int PageSize = 4096;

    /// <summary>Smallest and largest page size the reader accepts from a meta page.</summary>
    public const int PageSizeMin = 512;

    /// <summary>Largest page size the reader accepts (bbolt allows up to 64 KiB pages in practice).</summary>
    public const int PageSizeMax = 64 * 1024;

    public const int PageHeaderSize = 16;
    public const int LeafElementSize = 16;
    public const int BranchElementSize = 16;

    /// <summary>A bucket's header as stored in its parent's leaf: <c>root pgid u64, sequence u64</c>.</summary>
    public const int BucketHeaderSize = 16;

    public const ushort BranchPageFlag = 0x01;
    public const ushort LeafPageFlag = 0x02;
    public const ushort MetaPageFlag = 0x04;
    public const ushort FreelistPageFlag = 0x10;

    /// <summary>Leaf element flag: the value is a nested bucket.</summary>
    public const uint BucketLeafFlag = 0x01;

    public const uint Magic = 0xED0CDAED;
    public const uint Version = 2;

    /// <summary>The meta's freelist field when the freelist is not stored (bbolt's NoFreelistSync).</summary>
    public const ulong NoFreelist = ulong.MaxValue;

    /// <summary>A freelist page's count field when the count is stored in the first u64 instead.</summary>
    public const ushort FreelistCountOverflow = 0xFFFF;

    /// <summary>Bytes of the meta struct before its checksum (magic, version, pageSize, flags, root bucket,
    /// freelist, pgid, txid): what the FNV-1a checksum covers.</summary>
    public const int MetaChecksummedBytes = 56;

    /// <summary>The meta struct's size (with the checksum).</summary>
    public const int MetaSize = 64;

    /// <summary>Most elements one page holds (the header's count is 16 bits).</summary>
    public const int ElementsPerPageMax = ushort.MaxValue - 1;

    /// <summary>Deepest tree the reader follows: a real file is a handful of levels deep.</summary>
    public const int TreeDepthMax = 32;

    /// <summary>Largest key bbolt accepts.</summary>
    public const int KeySizeMax = 32768;

    /// <summary>Largest value bbolt accepts ((1 &lt;&lt; 31) - 2).</summary>
    public const int ValueSizeMax = int.MaxValue - 1;

    /// <summary>FNV-1a 64-bit over <paramref name="data"/>: the meta page checksum.</summary>
    public static ulong Fnv1a64(ReadOnlySpan<byte> data)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in data)
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return hash;
    }
}
