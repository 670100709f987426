namespace Cairn.Host.Snapshot;

/// <summary>
/// Writes one bucket's B+tree bottom-up while its keys arrive in order: leaves are written as they fill, and
/// each written page adds one element to the branch level above it. Only one open node per level is in
/// memory, so a bucket of any size costs O(tree depth) pages.
/// </summary>
internal sealed class BoltTreeWriter
{
    private readonly BoltWriter _file;
    private readonly List<BoltNode> _levels = [new BoltNode(leaf: true)];
    private readonly List<bool> _written = [false];
    private byte[]? _lastKey;

    internal BoltTreeWriter(BoltWriter file) => _file = file;

    /// <summary>Elements added so far.</summary>
    public long Count { get; private set; }

    /// <summary>Adds the next element; keys must strictly increase (bbolt's byte order).</summary>
    public void Add(byte[] key, byte[] value, uint flags = 0)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (key.Length == 0 || key.Length > BoltLayout.KeySizeMax) throw new ArgumentException($"a bbolt key is 1..{BoltLayout.KeySizeMax} bytes, not {key.Length}", nameof(key));
        if (_lastKey is not null && key.AsSpan().SequenceCompareTo(_lastKey) <= 0) throw new ArgumentException("bbolt keys must be added in strictly increasing order", nameof(key));
        _lastKey = key;
        if (!_levels[0].Fits(key.Length + (long)value.Length)) WriteLevel(0);
        _levels[0].AddLeaf(key, value, flags);
        Count++;
    }

    /// <summary>Writes what is left, level by level; returns the root page (an empty leaf for an empty tree).</summary>
    public ulong Finish()
    {
        for (int level = 0; ; level++)
        {
            bool top = level == _levels.Count - 1;
            if (top && !_written[level]) return _file.WriteNode(_levels[level]);
            WriteLevel(level);
        }
    }

    /// <summary>Writes the open node of <paramref name="level"/> and hands its first key and page to the level above.</summary>
    private void WriteLevel(int level)
    {
        BoltNode node = _levels[level];
        byte[] first = node.FirstKey;
        ulong page = _file.WriteNode(node);
        node.Clear();
        _written[level] = true;
        if (level + 1 == _levels.Count)
        {
            _levels.Add(new BoltNode(leaf: false));
            _written.Add(false);
        }
        BoltNode parent = _levels[level + 1];
        if (!parent.Fits(first.Length)) WriteLevel(level + 1);
        parent.AddBranch(first, page);
    }
}
