using Cairn.Core.Kv.Wire;
using Cairn.Core.StateMachine;

namespace Cairn.Core.Kv;

/// <summary>Snapshots pinned for writing off the event loop: from a view of the durable store's last committed batch when
/// the store offers one, else copied at once.</summary>
public sealed partial class KvStateMachine
{
    /// <inheritdoc />
    /// <remarks>A durable store's view covers its last committed batch (<see cref="StoredAppliedIndex"/>), which may
    /// trail <see cref="AppliedIndex"/>: the snapshot's <c>applied_index</c> says how far it goes.</remarks>
    public IStateSnapshot CaptureSnapshot()
    {
        if (HasDurableStore && _store.Backend.OpenSnapshotView() is { } view) return new ViewSnapshot(view, _bugs.SnapshotWithoutSessions);
        return new CopiedStateSnapshot(AppliedIndex, TakeSnapshot());
    }

    /// <summary>A <see cref="KvSnapshot"/> written from a store view, in the layout of <see cref="WriteSnapshot"/>.</summary>
    private sealed class ViewSnapshot(IMvccSnapshotView view, bool withoutSessions) : IStateSnapshot
    {
        public ulong AppliedIndex => view.AppliedIndex;

        public void WriteTo(Stream destination)
        {
            var header = new KvSnapshot
            {
                AppliedIndex = view.AppliedIndex,
                CurrentRevision = view.CurrentRevision,
                CompactRevision = view.CompactRevision,
                LastLeaseId = view.LastLeaseId,
            };
            header.Leases.AddRange(view.Leases());
            if (!withoutSessions) header.Sessions.AddRange(view.Sessions());
            header.Alarms.AddRange(view.StoredAlarms());
            KvSnapshotWriter.Write(destination, header, view.Export());
        }

        public void Dispose() => view.Dispose();
    }
}
