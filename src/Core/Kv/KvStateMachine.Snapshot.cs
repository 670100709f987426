using Cairn.Core.Kv.Wire;
using Google.Protobuf;

namespace Cairn.Core.Kv;

/// <summary>Snapshot and restore of the whole replicated state as one <see cref="KvSnapshot"/>.</summary>
public sealed partial class KvStateMachine
{
    /// <inheritdoc />
    public byte[] TakeSnapshot()
    {
        var snapshot = new KvSnapshot
        {
            AppliedIndex = AppliedIndex,
            CurrentRevision = _store.Backend.CurrentRevision,
            CompactRevision = _store.Backend.CompactRevision,
            LastLeaseId = _store.Leases.LastPickedId,
        };
        snapshot.Keys.AddRange(_store.Backend.Export());
        snapshot.Leases.AddRange(_store.Leases.All.Select(l => new LeaseRecord { ID = l.Id, TTL = l.TtlSeconds }));
        if (!_bugs.SnapshotWithoutSessions) snapshot.Sessions.AddRange(_sessions.Export());
        return snapshot.ToByteArray();
    }

    /// <inheritdoc />
    public void RestoreSnapshot(ReadOnlySpan<byte> snapshot)
    {
        KvSnapshot restored = KvSnapshot.Parser.ParseFrom(snapshot);
        _store.Backend.Import(restored.CurrentRevision, restored.CompactRevision, restored.Keys);
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
        AppliedIndex = restored.AppliedIndex;
        Lessor.OnRestored();
        Watches.Resync();
    }
}
