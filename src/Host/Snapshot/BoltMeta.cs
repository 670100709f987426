using System.Buffers.Binary;

namespace Cairn.Host.Snapshot;

/// <summary>A bbolt meta page's contents (after the page header): where the root bucket and the freelist
/// are, how many pages the file has (<paramref name="PageCount"/>, bbolt's high-water mark) and the
/// transaction that wrote it.</summary>
/// <param name="PageSize">The file's page size.</param>
/// <param name="RootPage">The root bucket's root page.</param>
/// <param name="FreelistPage">The freelist page, or <see cref="BoltLayout.NoFreelist"/>.</param>
/// <param name="PageCount">Pages in use: every page id is below it.</param>
/// <param name="TxId">The transaction id; the valid meta with the larger one is current.</param>
internal readonly record struct BoltMeta(int PageSize, ulong RootPage, ulong FreelistPage, ulong PageCount, ulong TxId)
{
    /// <summary>Writes meta page <paramref name="pageId"/> (header, meta, checksum) into <paramref name="page"/>.</summary>
    public void Encode(ulong pageId, Span<byte> page)
    {
        page.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(page, pageId);
        BinaryPrimitives.WriteUInt16LittleEndian(page[8..], BoltLayout.MetaPageFlag);
        Span<byte> meta = page.Slice(BoltLayout.PageHeaderSize, BoltLayout.MetaSize);
        BinaryPrimitives.WriteUInt32LittleEndian(meta, BoltLayout.Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(meta[4..], BoltLayout.Version);
        BinaryPrimitives.WriteUInt32LittleEndian(meta[8..], (uint)PageSize);
        BinaryPrimitives.WriteUInt32LittleEndian(meta[12..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(meta[16..], RootPage);
        BinaryPrimitives.WriteUInt64LittleEndian(meta[24..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(meta[32..], FreelistPage);
        BinaryPrimitives.WriteUInt64LittleEndian(meta[40..], PageCount);
        BinaryPrimitives.WriteUInt64LittleEndian(meta[48..], TxId);
        BinaryPrimitives.WriteUInt64LittleEndian(meta[56..], BoltLayout.Fnv1a64(meta[..BoltLayout.MetaChecksummedBytes]));
    }

    /// <summary>Reads the meta after a page header; the reason it is invalid, or null when it is valid.</summary>
    public static string? TryDecode(ReadOnlySpan<byte> page, out BoltMeta meta)
    {
        meta = default;
        if (page.Length < BoltLayout.PageHeaderSize + BoltLayout.MetaSize) return "the file is shorter than a meta page";
        ReadOnlySpan<byte> m = page.Slice(BoltLayout.PageHeaderSize, BoltLayout.MetaSize);
        if (BinaryPrimitives.ReadUInt32LittleEndian(m) != BoltLayout.Magic) return "bad magic (not a bbolt file)";
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(m[4..]);
        if (version != BoltLayout.Version) return $"unsupported version {version}";
        if (BinaryPrimitives.ReadUInt64LittleEndian(m[56..]) != BoltLayout.Fnv1a64(m[..BoltLayout.MetaChecksummedBytes])) return "checksum mismatch";
        uint pageSize = BinaryPrimitives.ReadUInt32LittleEndian(m[8..]);
        if (pageSize < BoltLayout.PageSizeMin || pageSize > BoltLayout.PageSizeMax || (pageSize & (pageSize - 1)) != 0) return $"bad page size {pageSize}";
        meta = new BoltMeta((int)pageSize, BinaryPrimitives.ReadUInt64LittleEndian(m[16..]), BinaryPrimitives.ReadUInt64LittleEndian(m[32..]),
            BinaryPrimitives.ReadUInt64LittleEndian(m[40..]), BinaryPrimitives.ReadUInt64LittleEndian(m[48..]));
        return null;
    }
}
