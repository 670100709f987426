using Cairn.Core.Kv.Wire;
using Google.Protobuf;

namespace Cairn.Core.Kv;

/// <summary>
/// The durable state-machine seam (issue 8 §2): over a durable backend the machine starts from the store's
/// committed state, applies into one open batch, and <see cref="PersistApplied"/> commits the batch with the
/// leases, sessions and applied index it changed, in one transaction.
/// </summary>
public sealed partial class KvStateMachine
{
    /// <summary>The applied index the last snapshot taken or restored covered (the in-memory durable index).</summary>
    private ulong _snapshotIndex;
    private bool _batchOpen;

    /// <inheritdoc />
    public bool HasDurableStore => _store.Backend.IsDurable;

    /// <inheritdoc />
    /// <remarks>Over a durable backend, the applied index of its last commit known synced; in memory, what the
    /// last snapshot covered.</remarks>
    public ulong DurableAppliedIndex => HasDurableStore ? _store.Backend.DurableAppliedIndex : _snapshotIndex;

    /// <inheritdoc />
    /// <remarks>Over a durable backend, its committed applied index; in memory, what the last snapshot covered.</remarks>
    public ulong StoredAppliedIndex => HasDurableStore ? _store.Backend.AppliedIndex : _snapshotIndex;

    /// <summary>Size of the MVCC store in bytes (<see cref="IMvccBackend.SizeBytes"/>).</summary>
    public long StoreSizeBytes => _store.Backend.SizeBytes;

    /// <inheritdoc />
    public void PersistApplied()
    {
        if (!HasDurableStore || (AppliedIndex == _store.Backend.AppliedIndex && !_batchOpen)) return;
        OpenBatch();
        IMvccBackend backend = _store.Backend;
        foreach (long id in _store.Leases.Changed!)
        {
            LeaseTable.Lease? lease = _store.Leases.Find(id);
            if (lease is null) backend.DeleteLease(id);
            else backend.PutLease(id, lease.TtlSeconds);
        }
        _store.Leases.Changed!.Clear();
        foreach (ulong clientId in _sessions.Changed!)
        {
            SessionRecord? session = _sessions.Find(clientId);
            if (session is null) backend.DeleteSession(clientId);
            else backend.PutSession(session);
        }
        _sessions.Changed!.Clear();
        PersistAlarms();
        if (backend.LastLeaseId != _store.Leases.LastPickedId) backend.PutLastLeaseId(_store.Leases.LastPickedId);
        backend.CommitBatch(AppliedIndex);
        _batchOpen = false;
    }

    /// <summary>Keys one compaction slice visits at most (etcd's compaction batch limit).</summary>
    public const int CompactionSliceKeysMax = 1_000;

    /// <summary>
    /// Runs one bounded slice of a pending compaction (at most <see cref="CompactionSliceKeysMax"/> keys); true
    /// when none is pending any more. A compaction command only sets the compact revision; the node calls this
    /// between inputs (<c>KvNode.Tick</c>), so a large compaction never stalls the apply loop. Reads and the
    /// replicated state are the same before and after a slice; with a batch open the slice joins it.
    /// </summary>
    public bool CompactSlice() => _store.Backend.CompactSlice(CompactionSliceKeysMax);

    /// <summary>Opens the durable store's apply batch unless one is open.</summary>
    private void OpenBatch()
    {
        if (!HasDurableStore || _batchOpen) return;
        _store.Backend.BeginBatch();
        _batchOpen = true;
    }

    /// <summary>Starts from what the durable store committed: leases (with the keys attached to them, found
    /// from the live keys), sessions and the applied index.</summary>
    private void LoadDurable()
    {
        IMvccBackend backend = _store.Backend;
        _store.Leases.Reset(backend.LastLeaseId);
        foreach (LeaseRecord lease in backend.Leases()) _store.Leases.Add(lease.ID, lease.TTL);
        var all = KeyRange.From(ByteString.CopyFrom(0), ByteString.CopyFrom(0));
        foreach (KeyValue kv in backend.Range(all, backend.CurrentRevision).Where(kv => kv.Lease != 0))
        {
            if (!_store.Leases.Contains(kv.Lease))
                throw new InvalidDataException($"mvcc store corrupt: key {kv.Key.ToBase64()} is attached to lease {kv.Lease}, which is not stored; refusing to start");
            _store.Leases.Attach(kv.Lease, kv.Key);
        }
        _sessions.Import(backend.Sessions());
        RestoreAlarms(backend.StoredAlarms());
        _alarmsChanged = false;
        _store.Leases.Changed = new SortedSet<long>();
        _sessions.Changed = new SortedSet<ulong>();
        AppliedIndex = backend.AppliedIndex;
        _snapshotIndex = AppliedIndex;
        Lessor.OnRestored();
        Watches.Resync();
    }
}
