namespace Cairn.Core.Kv;

/// <summary>
/// A read-only view of an MVCC store's last committed batch (<see cref="IMvccBackend.OpenSnapshotView"/>): everything a
/// <see cref="Wire.KvSnapshot"/> holds, as it stood when the view opened. A view on a store file is a read transaction
/// on a connection of its own, readable from another thread while the store keeps writing; a view of a store in memory
/// reads the store itself and throws <see cref="InvalidOperationException"/> once the store wrote after it opened.
/// </summary>
public interface IMvccSnapshotView : IDisposable
{
    /// <summary>The Raft index the viewed batch covers.</summary>
    ulong AppliedIndex { get; }

    /// <summary>The viewed batch's current revision.</summary>
    long CurrentRevision { get; }

    /// <summary>The viewed batch's compaction revision.</summary>
    long CompactRevision { get; }

    /// <summary>The last lease id the lease table picked itself.</summary>
    long LastLeaseId { get; }

    /// <summary>Every key's retained history, in key order, read lazily.</summary>
    IEnumerable<Wire.KeyHistoryRecord> Export();

    /// <summary>Every lease, by ascending id.</summary>
    IReadOnlyList<Wire.LeaseRecord> Leases();

    /// <summary>Every session, by ascending client id.</summary>
    IReadOnlyList<Wire.SessionRecord> Sessions();

    /// <summary>The alarms, by (member, type).</summary>
    IReadOnlyList<Wire.AlarmMember> StoredAlarms();
}
