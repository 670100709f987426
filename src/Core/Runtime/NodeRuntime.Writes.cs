namespace Cairn.Core.Runtime;

public sealed partial class NodeRuntime
{
    /// <summary>Writes handed to the disk and not yet durable, in submission (id) order.</summary>
    public int PendingWrites => _writes.Count;

    /// <summary>
    /// Carries out the completion of the pending writes up to <paramref name="writeId"/> (only the oldest
    /// one unless <paramref name="cumulative"/>). Anything but a pending id, in order, fail-stops the node.
    /// </summary>
    private void CompleteWrites(long writeId, bool cumulative)
    {
        if (Stopped) return;
        if (!CompletionInOrder(writeId, cumulative)) return;
        ReleaseDelayed();
        while (_writes.Count > 0 && (_writes.Peek().Id <= writeId || _bugs.AcceptOutOfOrderCompletion))
        {
            var write = _writes.Dequeue();
            Invariant.Holds(_writes.Count == 0 || _writes.Peek().Id > write.Id, "pending writes are in id order: {0} before {1}", write.Id, _writes.Count == 0 ? 0L : _writes.Peek().Id);
            if (write.Snapshot is not null) OnSnapshotDurable(write.Snapshot);
            foreach (var m in write.Messages) SendNow(m);
            if (write.HardStateTerm > 0) Raft.OnHardStatePersisted(write.HardStateTerm);
            if (write.LastIndex > 0) Raft.OnPersisted(write.LastIndex, write.LastTerm);
            if (!cumulative || _bugs.AcceptOutOfOrderCompletion) break;
        }
        Drain();
    }

    /// <summary>Queues a write handed to the disk; ids only grow, so the queue is in completion order.</summary>
    private void EnqueueWrite(PendingWrite write)
    {
        Invariant.Holds(_lastWrite is null || write.Id > _lastWrite.Id, "pending writes are in id order: {0} after {1}", write.Id, _lastWrite?.Id ?? 0);
        Invariant.Holds(_writes.Count < int.MaxValue, "pending writes are bounded");
        _lastWrite = write;
        _writes.Enqueue(write);
    }

    /// <summary>True when <paramref name="writeId"/> names a pending write the disk may complete now; otherwise
    /// the node fail-stops with a reason naming the expected and the reported ids.</summary>
    private bool CompletionInOrder(long writeId, bool cumulative)
    {
        var oldest = _writes.Count > 0 ? _writes.Peek().Id : 0;
        var known = _writes.Count > 0 && writeId >= oldest && writeId <= _lastWrite!.Id;
        var inOrder = cumulative ? known : known && writeId == oldest;
        if (inOrder || (_bugs.AcceptOutOfOrderCompletion && _writes.Count > 0)) return true;
        var what = known ? "out of order" : "for an unknown id";
        FailStop(_writes.Count == 0
            ? $"disk completion {what}: write {writeId} reported durable while no write is pending"
            : $"disk completion {what}: write {writeId} reported durable, expected {(cumulative ? $"an id in [{oldest}, {_lastWrite!.Id}]" : oldest.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
        return false;
    }
}
