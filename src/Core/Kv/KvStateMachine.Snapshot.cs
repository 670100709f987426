using Cairn.Core.Kv.Wire;
using Google.Protobuf;

namespace Cairn.Core.Kv;

/// <summary>Snapshot and restore of the whole replicated state as one <see cref="KvSnapshot"/>, streamed: the key
/// histories pass one record at a time between the store and the stream (<see cref="KvSnapshotWriter"/>,
/// <see cref="KvSnapshotReader"/>); the byte[] members go through the same stream code.</summary>
public sealed partial class KvStateMachine
{
    /// <inheritdoc />
    public byte[] TakeSnapshot()
    {
        using var snapshot = new MemoryStream();
        WriteSnapshot(snapshot);
        return snapshot.ToArray();
    }

    /// <inheritdoc />
    public void RestoreSnapshot(ReadOnlySpan<byte> snapshot)
    {
        using var source = new MemoryStream(snapshot.ToArray(), writable: false);
        RestoreSnapshot(source);
    }

    /// <inheritdoc />
    /// <remarks>The header (revisions, leases, sessions, alarms) first, then every key history in key order,
    /// straight from the store's export.</remarks>
    public void WriteSnapshot(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var header = new KvSnapshot
        {
            AppliedIndex = AppliedIndex,
            CurrentRevision = _store.Backend.CurrentRevision,
            CompactRevision = _store.Backend.CompactRevision,
            LastLeaseId = _store.Leases.LastPickedId,
        };
        header.Leases.AddRange(_store.Leases.All.Select(l => new LeaseRecord { ID = l.Id, TTL = l.TtlSeconds }));
        if (!_bugs.SnapshotWithoutSessions) header.Sessions.AddRange(_sessions.Export());
        header.Alarms.AddRange(Alarms());
        KvSnapshotWriter.Write(destination, header, _store.Backend.Export());
        _snapshotIndex = AppliedIndex;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The store imports the key histories as they are read. A truncated or malformed stream throws
    /// <see cref="InvalidDataException"/>: before the first key record with nothing changed; from there on with
    /// the store emptied and holding the keys read so far (a durable store only in its open, uncommitted batch, so
    /// its committed state is the old one) while the leases, sessions, alarms and applied index are still the old
    /// ones. The machine is then inconsistent: the caller must discard it (or restore a good snapshot into it).
    /// </remarks>
    public void RestoreSnapshot(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var reader = new KvSnapshotReader(source);
        reader.ReadHeader();
        OpenBatch();
        _store.Backend.Import(reader.Header.CurrentRevision, reader.Header.CompactRevision, reader.Keys());
        // Reads whatever a store that stopped enumerating early left unread; a key record among it is a store bug.
        if (reader.Keys().Any()) throw new InvalidOperationException("the MVCC store did not import every key record");
        RestoreRest(reader.Header);
    }

    /// <summary>Restores everything but the key histories (already imported) from <paramref name="restored"/>.</summary>
    private void RestoreRest(KvSnapshot restored)
    {
        _store.Leases.Reset(restored.LastLeaseId);
        foreach (LeaseRecord lease in restored.Leases)
        {
            _store.Leases.Add(lease.ID, lease.TTL);
        }
        var all = KeyRange.From(ByteString.CopyFrom(0), ByteString.CopyFrom(0));
        // Canary RestoreDropsLeaseKey: the first leased key is left unattached.
        foreach (KeyValue kv in _store.Backend.Range(all, restored.CurrentRevision).Where(kv => kv.Lease != 0).Skip(_bugs.RestoreDropsLeaseKey ? 1 : 0))
        {
            _store.Leases.Attach(kv.Lease, kv.Key);
        }
        _sessions.Import(restored.Sessions);
        RestoreAlarms(restored.Alarms);
        AppliedIndex = restored.AppliedIndex;
        _snapshotIndex = AppliedIndex;
        // A durable store commits the restored state at once, with its applied index.
        PersistApplied();
        Lessor.OnRestored();
        Watches.Resync();
    }
}
