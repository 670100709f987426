using Cairn.Core.Kv.Wire;
using Google.Protobuf;

namespace Cairn.Core.Kv;

/// <summary>The durable-store members of the in-memory backend: it survives nothing, so its batches only
/// record the applied index, and leases and sessions are kept in ordered maps.</summary>
public sealed partial class InMemoryMvccBackend
{
    private readonly SortedDictionary<long, long> _leases = new();
    private readonly SortedDictionary<ulong, SessionRecord> _sessions = new();
    private List<AlarmMember> _alarms = new();

    /// <inheritdoc />
    public bool IsDurable => false;

    /// <inheritdoc />
    public ulong AppliedIndex { get; private set; }

    /// <inheritdoc />
    /// <remarks>Key and value bytes of every retained revision plus a fixed overhead per revision: the figure a
    /// store on disk would grow by, maintained as revisions are written, compacted or imported.</remarks>
    public long SizeBytes { get; private set; }

    /// <summary>Bytes counted per revision besides its key and value (revision numbers, index entry).</summary>
    public const int RevisionOverheadBytes = 32;

    /// <inheritdoc />
    public long LastLeaseId { get; private set; }

    /// <inheritdoc />
    public void BeginBatch()
    {
    }

    /// <inheritdoc />
    public void CommitBatch(ulong appliedIndex)
    {
        if (appliedIndex < AppliedIndex) throw new ArgumentOutOfRangeException(nameof(appliedIndex), $"applied index {appliedIndex} goes back from {AppliedIndex}");
        AppliedIndex = appliedIndex;
    }

    /// <inheritdoc />
    public void PutLease(long id, long ttlSeconds) => _leases[id] = ttlSeconds;

    /// <inheritdoc />
    public void DeleteLease(long id) => _leases.Remove(id);

    /// <inheritdoc />
    public IReadOnlyList<LeaseRecord> Leases() => _leases.Select(l => new LeaseRecord { ID = l.Key, TTL = l.Value }).ToList();

    /// <inheritdoc />
    public void PutLastLeaseId(long id) => LastLeaseId = id;

    /// <inheritdoc />
    public void PutSession(SessionRecord session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _sessions[session.ClientId] = session.Clone();
    }

    /// <inheritdoc />
    public void DeleteSession(ulong clientId) => _sessions.Remove(clientId);

    /// <inheritdoc />
    public IReadOnlyList<SessionRecord> Sessions() => _sessions.Values.Select(s => s.Clone()).ToList();

    /// <inheritdoc />
    public IEnumerable<KeyValue> Range(KeyRange range, long atRevision, long limit, bool keysOnly)
    {
        IEnumerable<KeyValue> kvs = Range(range, atRevision);
        if (limit > 0) kvs = kvs.Take((int)Math.Min(limit, int.MaxValue));
        return keysOnly ? kvs.Select(MvccChange.WithoutValue) : kvs;
    }

    /// <inheritdoc />
    public long Count(KeyRange range, long atRevision)
    {
        long count = 0;
        foreach (ByteString key in KeysIn(range))
        {
            if (_histories[key].At(atRevision) is not null) count++;
        }
        return count;
    }

    /// <inheritdoc />
    public IReadOnlyList<MvccChange> Changes(KeyRange range, long fromRevision, long toRevision, int eventsMax) =>
        MvccChange.Page(Changes(range, fromRevision, toRevision), eventsMax);

    /// <inheritdoc />
    public void PutAlarms(IReadOnlyList<AlarmMember> alarms)
    {
        ArgumentNullException.ThrowIfNull(alarms);
        _alarms = alarms.Select(a => a.Clone()).ToList();
    }

    /// <inheritdoc />
    public IReadOnlyList<AlarmMember> StoredAlarms() => _alarms.Select(a => a.Clone()).ToList();

    /// <inheritdoc />
    /// <remarks>Nothing to do: memory freed by compaction is already counted out of <see cref="SizeBytes"/>.</remarks>
    public void Defragment()
    {
    }

    /// <summary>The revision a sliced compaction is dropping revisions up to; 0 when none is pending.</summary>
    private long _compactingTo;

    /// <summary>The last key the sliced compaction finished; null to start at the first key.</summary>
    private ByteString? _compactedThrough;

    /// <inheritdoc />
    public void BeginCompact(long revision)
    {
        if (revision <= CompactRevision || revision > CurrentRevision)
            throw new ArgumentOutOfRangeException(nameof(revision), $"compaction to {revision} outside ({CompactRevision}, {CurrentRevision}]");
        CompactRevision = revision;
        _compactingTo = revision;
        _compactedThrough = null;
    }

    /// <inheritdoc />
    public bool CompactSlice(int keysMax)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keysMax, 1);
        if (_compactingTo == 0) return true;
        var from = _compactedThrough is null ? ByteString.CopyFrom(0) : ByteString.CopyFrom([.. _compactedThrough.Span, 0]);
        var keys = KeysIn(KeyRange.From(from, ByteString.CopyFrom(0))).Take(keysMax).ToList();
        foreach (ByteString key in keys)
        {
            KeyHistory history = _histories[key];
            history.Compact(_compactingTo);
            if (history.IsEmpty)
            {
                _index.Remove(key);
                _histories.Remove(key);
            }
        }
        if (keys.Count == keysMax)
        {
            _compactedThrough = keys[^1];
            return false;
        }
        _compactingTo = 0;
        _compactedThrough = null;
        RecountSize();
        return true;
    }

    private static long EntryBytes(ByteString key, KeyValue? kv) => key.Length + (kv?.CalculateSize() ?? 0) + RevisionOverheadBytes;

    private void RecountSize()
    {
        long bytes = 0;
        foreach (ByteString key in _index)
        {
            foreach (KeyHistory.Entry entry in _histories[key].Entries) bytes += EntryBytes(key, entry.Kv);
        }
        SizeBytes = bytes;
    }
}
