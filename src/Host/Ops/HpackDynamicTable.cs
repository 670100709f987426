namespace Cairn.Host.Ops;

/// <summary>
/// HPACK's dynamic table (RFC 7541 §2.3.2, §4): newest entry first, bounded by a maximum size in the
/// §4.1 sense, evicting the oldest entries on insertion and on a size update (§4.3, §4.4).
/// </summary>
internal sealed class HpackDynamicTable(int maxSize)
{
    private readonly List<HeaderField> _oldestFirst = [];

    /// <summary>The sum of the entries' sizes (name + value + 32 each).</summary>
    public int Size { get; private set; }

    /// <summary>The current maximum size, as last set by a dynamic table size update.</summary>
    public int MaxSize { get; private set; } = maxSize;

    /// <summary>The number of entries.</summary>
    public int Count => _oldestFirst.Count;

    /// <summary>The entry at a 1-based <paramref name="index"/>, 1 being the newest.</summary>
    public HeaderField Get(int index) => _oldestFirst[_oldestFirst.Count - index];

    /// <summary>Inserts a field, evicting the oldest until it fits; a field larger than the table empties it (§4.4).</summary>
    public void Add(HeaderField field)
    {
        EvictDownTo(MaxSize - field.Size);
        if (field.Size <= MaxSize)
        {
            _oldestFirst.Add(field);
            Size += field.Size;
        }
    }

    /// <summary>A dynamic table size update: the new maximum, evicting the oldest entries above it (§4.3).</summary>
    public void Resize(int maxSize)
    {
        MaxSize = maxSize;
        EvictDownTo(maxSize);
    }

    private void EvictDownTo(int size)
    {
        while (_oldestFirst.Count > 0 && Size > size)
        {
            Size -= _oldestFirst[0].Size;
            _oldestFirst.RemoveAt(0);
        }
    }
}
