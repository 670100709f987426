using System.Buffers.Binary;

namespace Cairn.Host.Snapshot;

/// <summary>
/// One node being filled before it is written as a page (plus overflow pages when a single element is bigger
/// than a page): a leaf holds keys and values, a branch holds the first key and page id of each child.
/// Layout: the page header, the elements (16 bytes each), then each element's key and value; an element's
/// <c>pos</c> is the distance from the element to its key.
/// </summary>
internal sealed class BoltNode(bool leaf)
{
    private readonly List<(byte[] Key, byte[] Value, uint Flags, ulong Child)> _elements = [];
    private long _dataBytes;

    public bool IsLeaf { get; } = leaf;

    public int Count => _elements.Count;

    /// <summary>The node's first key (the key its parent branch element carries).</summary>
    public byte[] FirstKey => _elements[0].Key;

    /// <summary>Bytes the encoded node takes before rounding up to whole pages.</summary>
    public long Bytes => BoltLayout.PageHeaderSize + (long)_elements.Count * BoltLayout.LeafElementSize + _dataBytes;

    /// <summary>Pages the encoded node takes (more than one only for an element bigger than a page).</summary>
    public int PageCount => (int)((Bytes + BoltLayout.PageSize - 1) / BoltLayout.PageSize);

    /// <summary>True when an element of <paramref name="dataBytes"/> key+value bytes still fits in this node's
    /// page; an empty node takes any element (it overflows into more pages).</summary>
    public bool Fits(long dataBytes) =>
        _elements.Count == 0 || (Bytes + BoltLayout.LeafElementSize + dataBytes <= BoltLayout.PageSize && _elements.Count < BoltLayout.ElementsPerPageMax);

    public void AddLeaf(byte[] key, byte[] value, uint flags)
    {
        _elements.Add((key, value, flags, 0));
        _dataBytes += key.Length + value.Length;
    }

    public void AddBranch(byte[] key, ulong child)
    {
        _elements.Add((key, [], 0, child));
        _dataBytes += key.Length;
    }

    public void Clear()
    {
        _elements.Clear();
        _dataBytes = 0;
    }

    /// <summary>Encodes the node as page <paramref name="pageId"/> into <paramref name="pages"/> (PageCount pages, cleared here).</summary>
    public void Encode(ulong pageId, Span<byte> pages)
    {
        pages.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(pages, pageId);
        BinaryPrimitives.WriteUInt16LittleEndian(pages[8..], IsLeaf ? BoltLayout.LeafPageFlag : BoltLayout.BranchPageFlag);
        BinaryPrimitives.WriteUInt16LittleEndian(pages[10..], (ushort)_elements.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(pages[12..], (uint)(PageCount - 1));
        int data = BoltLayout.PageHeaderSize + _elements.Count * BoltLayout.LeafElementSize;
        for (int i = 0; i < _elements.Count; i++)
        {
            var (key, value, flags, child) = _elements[i];
            int at = BoltLayout.PageHeaderSize + i * BoltLayout.LeafElementSize;
            Span<byte> element = pages.Slice(at, BoltLayout.LeafElementSize);
            if (IsLeaf)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(element, flags);
                BinaryPrimitives.WriteUInt32LittleEndian(element[4..], (uint)(data - at));
                BinaryPrimitives.WriteUInt32LittleEndian(element[8..], (uint)key.Length);
                BinaryPrimitives.WriteUInt32LittleEndian(element[12..], (uint)value.Length);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(element, (uint)(data - at));
                BinaryPrimitives.WriteUInt32LittleEndian(element[4..], (uint)key.Length);
                BinaryPrimitives.WriteUInt64LittleEndian(element[8..], child);
            }
            key.CopyTo(pages[data..]);
            value.CopyTo(pages[(data + key.Length)..]);
            data += key.Length + value.Length;
        }
    }
}
