using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Microsoft.Coyote.Actors;

namespace Cairn.Simulation.Tests.Coyote;

internal sealed partial class RaftNodeActor
{
    /// <summary>Most writes submitted to this node's disk and not yet synced.</summary>
    public const int PendingWritesMax = 1024;

    private readonly Queue<PendingWrite> _writes = new();
    private long _writeSeq;

    /// <summary>A write submitted to the disk: durable only once its <see cref="Persisted"/> event is handled.</summary>
    private sealed record PendingWrite(long Id, HardState? HardState, List<Entry> Entries, List<Message> AfterPersist);

    /// <summary>Carries out every pending Ready (contract on <see cref="Ready"/>).</summary>
    private void Drain()
    {
        while (_raft.HasReady)
        {
            var ready = _raft.TakeReady();
            foreach (var m in ready.MessagesNow) Send(m);
            Persist(ready);
            foreach (var entry in ready.CommittedEntries) ReportCommittedEntry(entry);
        }
    }

    /// <summary>
    /// Submits the write and asks the disk (this actor's own inbox, so completions stay in submission
    /// order) to sync it. Messages after persist wait for this write and every earlier one.
    /// </summary>
    private void Persist(Ready ready)
    {
        if (ready.MustPersist)
        {
            Assert(_writes.Count < PendingWritesMax, "node {0}: {1} unsynced writes (PendingWritesMax)", NodeId, _writes.Count);
            var write = new PendingWrite(++_writeSeq, ready.HardState, ready.Entries, new List<Message>(ready.MessagesAfterPersist));
            _writes.Enqueue(write);
            SendEvent(Id, new Persisted(_incarnation, write.Id));
        }
        else if (_writes.Count > 0)
        {
            _writes.Last().AfterPersist.AddRange(ready.MessagesAfterPersist);
        }
        else
        {
            foreach (var m in ready.MessagesAfterPersist) Send(m);
        }
    }

    private void OnPersisted(Event e)
    {
        var done = (Persisted)e;
        if (done.Incarnation != _incarnation) return; // the process that submitted it crashed first
        var write = _writes.Dequeue();
        Assert(write.Id == done.WriteId, "node {0}: disk write {1} completed before write {2}", NodeId, done.WriteId, write.Id);
        _setup.Store.Apply(write.HardState, write.Entries);
        foreach (var m in write.AfterPersist) Send(m);
        if (write.HardState is not null) _raft.OnHardStatePersisted(write.HardState.Term);
        if (write.Entries.Count > 0) _raft.OnPersisted(write.Entries[^1].Index, write.Entries[^1].Term);
        AfterInput();
    }
}
