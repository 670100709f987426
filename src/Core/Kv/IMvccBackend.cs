using Cairn.Core.Kv.Wire;
using Google.Protobuf;

namespace Cairn.Core.Kv;

/// <summary>
/// Multi-version key storage: every revision of every key since the last compaction. Writes of
/// the revision being built (<see cref="CurrentRevision"/> + 1) are visible to reads at that
/// revision before <see cref="Commit"/> makes it current. Implementations must be deterministic.
/// </summary>
public interface IMvccBackend
{
    /// <summary>The revision of the last committed write transaction (1 for an empty store).</summary>
    long CurrentRevision { get; }

    /// <summary>The last compaction revision (0 when never compacted).</summary>
    long CompactRevision { get; }

    /// <summary>The live value of <paramref name="key"/> as of <paramref name="atRevision"/>, or null.</summary>
    KeyValue? Get(ByteString key, long atRevision);

    /// <summary>The live keys of <paramref name="range"/> as of <paramref name="atRevision"/>, in key order.</summary>
    IEnumerable<KeyValue> Range(KeyRange range, long atRevision);

    /// <summary>At most <paramref name="limit"/> (0: no limit) live keys of <paramref name="range"/> as of
    /// <paramref name="atRevision"/>, in key order, values left out when <paramref name="keysOnly"/>: the limit
    /// reaches the store, so a page of a paginated LIST costs O(page) reads.</summary>
    IEnumerable<KeyValue> Range(KeyRange range, long atRevision, long limit, bool keysOnly);

    /// <summary>The number of live keys of <paramref name="range"/> as of <paramref name="atRevision"/>, counted
    /// in the store without building the values.</summary>
    long Count(KeyRange range, long atRevision);

    /// <summary>One page of <see cref="Changes(KeyRange, long, long)"/>: whole revisions from
    /// <paramref name="fromRevision"/> on, stopping after the revision that brings the page to
    /// <paramref name="eventsMax"/> events or more. A page with fewer than <paramref name="eventsMax"/> events is
    /// the last one; the next page starts after the last revision of this one.</summary>
    IReadOnlyList<MvccChange> Changes(KeyRange range, long fromRevision, long toRevision, int eventsMax);

    /// <summary>Every change to keys of <paramref name="range"/> with a revision in
    /// [<paramref name="fromRevision"/>, <paramref name="toRevision"/>], ordered by (revision, sub-revision),
    /// each event carrying its prev_kv when one exists.</summary>
    IReadOnlyList<MvccChange> Changes(KeyRange range, long fromRevision, long toRevision);

    /// <summary>Records a put (<paramref name="kv"/> not null) or a tombstone of <paramref name="key"/>
    /// at revision (<see cref="CurrentRevision"/> + 1, <paramref name="sub"/>).</summary>
    void Write(ByteString key, int sub, KeyValue? kv);

    /// <summary>Makes the revision being built current.</summary>
    void Commit();

    /// <summary>Drops every revision at or below <paramref name="revision"/> except the latest live
    /// value of each key; tombstones at or below it vanish.</summary>
    void Compact(long revision);

    /// <summary>Compaction in bounded slices (etcd's compaction batches): sets <see cref="CompactRevision"/> at
    /// once, so reads below it are refused from now on, and leaves the revisions it drops to
    /// <see cref="CompactSlice"/>. A newer compaction restarts the slices with its revision.</summary>
    void BeginCompact(long revision);

    /// <summary>Drops what the pending compaction drops for at most <paramref name="keysMax"/> keys, in key order
    /// after the last slice; true when no compaction is pending any more. Reads are the same before and after.</summary>
    bool CompactSlice(int keysMax);

    /// <summary>Every key's retained history, in key order (for snapshots).</summary>
    IEnumerable<Wire.KeyHistoryRecord> Export();

    /// <summary>Replaces the whole content with an exported one.</summary>
    void Import(long currentRevision, long compactRevision, IEnumerable<Wire.KeyHistoryRecord> keys);

    /// <summary>True when the content survives a restart of the process (up to <see cref="AppliedIndex"/>);
    /// false for a store that lives in memory only.</summary>
    bool IsDurable { get; }

    /// <summary>The Raft index the committed content covers, written in the same transaction as the data
    /// (<see cref="CommitBatch"/>); 0 for a fresh store.</summary>
    ulong AppliedIndex { get; }

    /// <summary>The applied index of the last committed batch known to be on stable storage: a store whose
    /// commits are synced in the background reports it behind <see cref="AppliedIndex"/> until its sync ran.
    /// A crash (power loss included) leaves the store at some committed batch at or after this one.</summary>
    ulong DurableAppliedIndex => AppliedIndex;

    /// <summary>Opens an apply batch: every write until <see cref="CommitBatch"/> is one transaction.</summary>
    void BeginBatch();

    /// <summary>Commits the open batch with <paramref name="appliedIndex"/>: the data, leases, sessions and the
    /// applied index in one transaction, so after a crash the store holds exactly some committed batch.</summary>
    void CommitBatch(ulong appliedIndex);

    /// <summary>Size of the store in bytes, for the quota (etcd's --quota-backend-bytes).</summary>
    long SizeBytes { get; }

    /// <summary>Stores (or replaces) lease <paramref name="id"/> with its granted TTL in seconds.</summary>
    void PutLease(long id, long ttlSeconds);

    /// <summary>Removes lease <paramref name="id"/>.</summary>
    void DeleteLease(long id);

    /// <summary>Every stored lease, by ascending id.</summary>
    IReadOnlyList<Wire.LeaseRecord> Leases();

    /// <summary>The last lease id the lease table picked itself (0 when none).</summary>
    long LastLeaseId { get; }

    /// <summary>Stores <see cref="LastLeaseId"/>.</summary>
    void PutLastLeaseId(long id);

    /// <summary>Stores (or replaces) the session of <see cref="Wire.SessionRecord.ClientId"/>.</summary>
    void PutSession(Wire.SessionRecord session);

    /// <summary>Removes the session of <paramref name="clientId"/>.</summary>
    void DeleteSession(ulong clientId);

    /// <summary>Every stored session, by ascending client id.</summary>
    IReadOnlyList<Wire.SessionRecord> Sessions();

    /// <summary>Replaces the stored alarms with <paramref name="alarms"/>.</summary>
    void PutAlarms(IReadOnlyList<Wire.AlarmMember> alarms);

    /// <summary>The stored alarms, by (member, type).</summary>
    IReadOnlyList<Wire.AlarmMember> StoredAlarms();

    /// <summary>Gives the space freed by compaction back (etcd's defragmentation); only between apply batches.</summary>
    void Defragment();

    /// <summary>Opens a view of the last committed batch for a snapshot written off the event loop, or returns null when
    /// the store offers none now (a store in memory while a batch is open, whose reads would see the batch): the state
    /// machine then copies its snapshot at once.</summary>
    IMvccSnapshotView? OpenSnapshotView() => null;
}

/// <summary>One change of one key: the event at (<paramref name="Revision"/>, <paramref name="Sub"/>).</summary>
/// <param name="Revision">The main revision of the write transaction.</param>
/// <param name="Sub">The position of the change within that transaction.</param>
/// <param name="Event">The etcd event, prev_kv filled when the key was live before.</param>
public sealed record MvccChange(long Revision, int Sub, Event Event)
{
    /// <summary>Cuts ordered <paramref name="changes"/> after the revision that brings them to
    /// <paramref name="eventsMax"/> events (whole revisions only).</summary>
    public static IReadOnlyList<MvccChange> Page(IReadOnlyList<MvccChange> changes, int eventsMax)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(eventsMax, 1);
        int end = 0;
        while (end < changes.Count && (end < eventsMax || changes[end].Revision == changes[end - 1].Revision)) end++;
        return end == changes.Count ? changes : changes.Take(end).ToList();
    }

    /// <summary><paramref name="kv"/> without its value (etcd's keys_only), or itself when it has none.</summary>
    public static KeyValue WithoutValue(KeyValue kv)
    {
        ArgumentNullException.ThrowIfNull(kv);
        if (kv.Value.IsEmpty) return kv;
        KeyValue copy = kv.Clone();
        copy.Value = ByteString.Empty;
        return copy;
    }
}
