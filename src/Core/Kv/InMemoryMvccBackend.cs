using Cairn.Core.Kv.Wire;
using Google.Protobuf;

namespace Cairn.Core.Kv;

/// <summary>
/// The in-memory <see cref="IMvccBackend"/>: a sorted key index plus, per key, an ascending list of
/// revisions. Point reads are a hash lookup plus a binary search; range reads walk the sorted index.
/// </summary>
public sealed partial class InMemoryMvccBackend : IMvccBackend
{
    private readonly SortedSet<ByteString> _index = new(KeyOrder.Instance);
    private readonly Dictionary<ByteString, KeyHistory> _histories = new();
    private readonly List<ByteString> _pendingKeys = new();

    /// <inheritdoc />
    public long CurrentRevision { get; private set; } = 1;

    /// <inheritdoc />
    public long CompactRevision { get; private set; }

    /// <inheritdoc />
    public KeyValue? Get(ByteString key, long atRevision)
    {
        return _histories.TryGetValue(key, out KeyHistory? history) ? history.At(atRevision) : null;
    }

    /// <inheritdoc />
    public IEnumerable<KeyValue> Range(KeyRange range, long atRevision)
    {
        foreach (ByteString key in KeysIn(range))
        {
            KeyValue? kv = _histories[key].At(atRevision);
            if (kv is not null)
            {
                yield return kv;
            }
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<MvccChange> Changes(KeyRange range, long fromRevision, long toRevision)
    {
        var changes = new List<MvccChange>();
        foreach (ByteString key in KeysIn(range))
        {
            IReadOnlyList<KeyHistory.Entry> entries = _histories[key].Entries;
            for (int i = 0; i < entries.Count; i++)
            {
                KeyHistory.Entry entry = entries[i];
                if (entry.Main >= fromRevision && entry.Main <= toRevision)
                {
                    KeyValue? prev = i > 0 ? entries[i - 1].Kv : null;
                    changes.Add(new MvccChange(entry.Main, entry.Sub, ToEvent(key, entry, prev)));
                }
            }
        }
        changes.Sort(static (a, b) => a.Revision != b.Revision ? a.Revision.CompareTo(b.Revision) : a.Sub.CompareTo(b.Sub));
        return changes;
    }

    /// <inheritdoc />
    public void Write(ByteString key, int sub, KeyValue? kv)
    {
        Invariant.Holds(kv is null || (kv.ModRevision == CurrentRevision + 1 && kv.Key.Equals(key)), "a pending write carries the next revision and its own key");
        if (!_histories.TryGetValue(key, out KeyHistory? history))
        {
            history = new KeyHistory();
            _histories.Add(key, history);
            _index.Add(key);
        }
        history.Append(CurrentRevision + 1, sub, kv);
        SizeBytes += EntryBytes(key, kv);
        _pendingKeys.Add(key);
    }

    /// <inheritdoc />
    public void Commit()
    {
        Invariant.Holds(_pendingKeys.Count > 0, "a revision is only committed when it wrote something");
        _pendingKeys.Clear();
        CurrentRevision++;
    }

    /// <inheritdoc />
    public void Compact(long revision)
    {
        Invariant.Holds(revision > CompactRevision && revision <= CurrentRevision, "compaction revision {0} lies in (compacted, current {1}]", revision, CurrentRevision);
        var emptied = new List<ByteString>();
        foreach (ByteString key in _index)
        {
            KeyHistory history = _histories[key];
            history.Compact(revision);
            if (history.IsEmpty)
            {
                emptied.Add(key);
            }
        }
        foreach (ByteString key in emptied)
        {
            _index.Remove(key);
            _histories.Remove(key);
        }
        CompactRevision = revision;
        _compactingTo = 0;
        _compactedThrough = null;
        RecountSize();
    }

    /// <inheritdoc />
    public IEnumerable<KeyHistoryRecord> Export()
    {
        foreach (ByteString key in _index)
        {
            var record = new KeyHistoryRecord { Key = key };
            foreach (KeyHistory.Entry entry in _histories[key].Entries)
            {
                record.Revisions.Add(new RevisionRecord { Main = entry.Main, Sub = entry.Sub, Kv = entry.Kv });
            }
            yield return record;
        }
    }

    /// <inheritdoc />
    public void Import(long currentRevision, long compactRevision, IEnumerable<KeyHistoryRecord> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _index.Clear();
        _histories.Clear();
        _pendingKeys.Clear();
        _compactingTo = 0;
        _compactedThrough = null;
        CurrentRevision = currentRevision;
        CompactRevision = compactRevision;
        foreach (KeyHistoryRecord record in keys)
        {
            var history = new KeyHistory();
            foreach (RevisionRecord revision in record.Revisions)
            {
                history.Append(revision.Main, revision.Sub, revision.Kv);
            }
            _histories.Add(record.Key, history);
            _index.Add(record.Key);
        }
        RecountSize();
    }

    private IEnumerable<ByteString> KeysIn(KeyRange range)
    {
        if (range.IsSingleKey)
        {
            if (_histories.ContainsKey(range.Start))
            {
                yield return range.Start;
            }
            yield break;
        }
        if (range.IsEmpty || _index.Count == 0 || KeyOrder.Instance.Compare(range.Start, _index.Max) > 0)
        {
            yield break;
        }
        foreach (ByteString key in _index.GetViewBetween(range.Start, _index.Max!))
        {
            if (range.End is not null && KeyOrder.Instance.Compare(key, range.End) >= 0)
            {
                yield break;
            }
            yield return key;
        }
    }

    private static Event ToEvent(ByteString key, KeyHistory.Entry entry, KeyValue? prev)
    {
        var ev = entry.Kv is null
            ? new Event { Type = Event.Types.EventType.Delete, Kv = new KeyValue { Key = key, ModRevision = entry.Main } }
            : new Event { Type = Event.Types.EventType.Put, Kv = entry.Kv };
        if (prev is not null)
        {
            ev.PrevKv = prev;
        }
        return ev;
    }
}
