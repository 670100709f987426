using Google.Protobuf;

namespace Cairn.Core.Kv;

/// <summary>
/// The synced watchers, indexed by what they watch (etcd's watcherGroup): single-key watchers in a sorted map
/// key → watchers, range watchers in an interval treap ordered by (start, id) and augmented with the greatest
/// end in each subtree. Finding the watchers of one key costs O(log n) for the map plus O((1 + m) log n) for the
/// treap (m = the matching range watchers), never a visit of the non-matching ones. Deterministic: every
/// structure is ordered by key bytes and watch id, and treap priorities are a fixed hash of the watch id.
/// </summary>
internal sealed class WatchIndex
{
    private readonly SortedDictionary<ByteString, SortedDictionary<long, Watcher>> _byKey = new(KeyOrder.Instance);
    private Node? _ranges;

    /// <summary>Number of indexed watchers.</summary>
    public int Count { get; private set; }

    /// <summary>Treap nodes visited by <see cref="Match"/> since the index was created (a cost probe for tests).</summary>
    public long NodesVisited { get; private set; }

    /// <summary>Indexes a watcher; it must not be indexed already.</summary>
    public void Add(Watcher watcher)
    {
        if (watcher.Range.IsSingleKey)
        {
            if (!_byKey.TryGetValue(watcher.Range.Start, out SortedDictionary<long, Watcher>? watchers))
            {
                watchers = new SortedDictionary<long, Watcher>();
                _byKey.Add(watcher.Range.Start, watchers);
            }
            watchers.Add(watcher.Id, watcher);
        }
        else
        {
            _ranges = Insert(_ranges, new Node(watcher));
        }
        Count++;
    }

    /// <summary>Removes an indexed watcher; false if it was not indexed.</summary>
    public bool Remove(Watcher watcher)
    {
        bool removed;
        if (watcher.Range.IsSingleKey)
        {
            removed = _byKey.TryGetValue(watcher.Range.Start, out SortedDictionary<long, Watcher>? watchers) && watchers.Remove(watcher.Id);
            if (removed && watchers!.Count == 0)
            {
                _byKey.Remove(watcher.Range.Start);
            }
        }
        else
        {
            (_ranges, removed) = Delete(_ranges, watcher);
        }
        if (removed)
        {
            Count--;
        }
        return removed;
    }

    /// <summary>Adds to <paramref name="into"/> (by watch id) every indexed watcher whose range holds <paramref name="key"/>.</summary>
    public void Match(ByteString key, SortedDictionary<long, Watcher> into)
    {
        if (_byKey.TryGetValue(key, out SortedDictionary<long, Watcher>? watchers))
        {
            foreach (Watcher watcher in watchers.Values)
            {
                into.TryAdd(watcher.Id, watcher);
            }
        }
        Stab(_ranges, key, into);
    }

    private void Stab(Node? node, ByteString key, SortedDictionary<long, Watcher> into)
    {
        if (node is null || !Below(key, node.MaxEnd))
        {
            return; // every range in this subtree ends at or before the key
        }
        NodesVisited++;
        Stab(node.Left, key, into);
        if (KeyOrder.Instance.Compare(node.Watcher.Range.Start, key) > 0)
        {
            return; // this range and every range to its right start after the key
        }
        if (Below(key, node.Watcher.Range.End))
        {
            into.TryAdd(node.Watcher.Id, node.Watcher);
        }
        Stab(node.Right, key, into);
    }

    /// <summary>True when <paramref name="key"/> lies below an exclusive end (null = unbounded).</summary>
    private static bool Below(ByteString key, ByteString? end) => end is null || KeyOrder.Instance.Compare(key, end) < 0;

    /// <summary>The greater of two exclusive ends (null = unbounded).</summary>
    private static ByteString? Greater(ByteString? a, ByteString? b)
    {
        if (a is null || b is null)
        {
            return null;
        }
        return KeyOrder.Instance.Compare(a, b) >= 0 ? a : b;
    }

    private static int Order(Watcher a, Watcher b)
    {
        int byStart = KeyOrder.Instance.Compare(a.Range.Start, b.Range.Start);
        return byStart != 0 ? byStart : a.Id.CompareTo(b.Id);
    }

    private static Node Insert(Node? root, Node node)
    {
        if (root is null)
        {
            return node;
        }
        if (Order(node.Watcher, root.Watcher) < 0)
        {
            root.Left = Insert(root.Left, node);
            if (root.Left.Priority > root.Priority)
            {
                root = RotateRight(root);
            }
        }
        else
        {
            root.Right = Insert(root.Right, node);
            if (root.Right.Priority > root.Priority)
            {
                root = RotateLeft(root);
            }
        }
        root.Update();
        return root;
    }

    private static (Node? Root, bool Removed) Delete(Node? root, Watcher watcher)
    {
        if (root is null)
        {
            return (null, false);
        }
        int order = Order(watcher, root.Watcher);
        bool removed;
        if (order == 0)
        {
            return (Merge(root.Left, root.Right), true);
        }
        if (order < 0)
        {
            (root.Left, removed) = Delete(root.Left, watcher);
        }
        else
        {
            (root.Right, removed) = Delete(root.Right, watcher);
        }
        root.Update();
        return (root, removed);
    }

    private static Node? Merge(Node? left, Node? right)
    {
        if (left is null)
        {
            return right;
        }
        if (right is null)
        {
            return left;
        }
        if (left.Priority > right.Priority)
        {
            left.Right = Merge(left.Right, right);
            left.Update();
            return left;
        }
        right.Left = Merge(left, right.Left);
        right.Update();
        return right;
    }

    private static Node RotateRight(Node node)
    {
        Node left = node.Left!;
        node.Left = left.Right;
        node.Update();
        left.Right = node;
        left.Update();
        return left;
    }

    private static Node RotateLeft(Node node)
    {
        Node right = node.Right!;
        node.Right = right.Left;
        node.Update();
        right.Left = node;
        right.Update();
        return right;
    }

    /// <summary>One range watcher in the treap.</summary>
    private sealed class Node
    {
        internal Node(Watcher watcher)
        {
            Watcher = watcher;
            Priority = Mix((ulong)watcher.Id);
            MaxEnd = watcher.Range.End;
        }

        internal Watcher Watcher { get; }

        /// <summary>Heap priority: a fixed hash of the watch id (splitmix64's finaliser), so the shape is deterministic.</summary>
        internal ulong Priority { get; }

        internal Node? Left { get; set; }

        internal Node? Right { get; set; }

        /// <summary>The greatest exclusive end in this subtree; null when some range in it is unbounded.</summary>
        internal ByteString? MaxEnd { get; private set; }

        internal void Update()
        {
            ByteString? max = Watcher.Range.End;
            if (Left is not null)
            {
                max = Greater(max, Left.MaxEnd);
            }
            if (Right is not null)
            {
                max = Greater(max, Right.MaxEnd);
            }
            MaxEnd = max;
        }

        private static ulong Mix(ulong z)
        {
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
