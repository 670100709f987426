using Cairn.Core.Kv.Wire;

namespace Cairn.Core.Kv;

/// <summary>The retained revisions of one key, ascending; a null value is a tombstone.</summary>
internal sealed class KeyHistory
{
    private readonly List<Entry> _entries = new();

    internal readonly record struct Entry(long Main, int Sub, KeyValue? Kv);

    internal IReadOnlyList<Entry> Entries => _entries;

    internal bool IsEmpty => _entries.Count == 0;

    internal void Append(long main, int sub, KeyValue? kv)
    {
        Invariant.Holds(_entries.Count == 0 || _entries[^1].Main < main, "one write per key per revision");
        _entries.Add(new Entry(main, sub, kv));
    }

    /// <summary>Index of the last entry with Main &lt;= revision, or -1.</summary>
    internal int IndexAt(long revision)
    {
        int lo = 0, hi = _entries.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) / 2);
            if (_entries[mid].Main <= revision)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return found;
    }

    internal KeyValue? At(long revision)
    {
        int i = IndexAt(revision);
        return i < 0 ? null : _entries[i].Kv;
    }

    /// <summary>Keeps the latest entry at or below <paramref name="revision"/> unless it is a tombstone older than
    /// <paramref name="revision"/>. A tombstone at exactly the compact revision stays (etcd drops it): a watch may
    /// start at the compact revision, and it must still see that delete.</summary>
    internal void Compact(long revision)
    {
        int i = IndexAt(revision);
        if (i < 0)
        {
            return;
        }
        int drop = _entries[i].Kv is null && _entries[i].Main < revision ? i + 1 : i;
        _entries.RemoveRange(0, drop);
    }
}
