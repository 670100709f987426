using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;

namespace Cairn.Core.Runtime;

public sealed partial class NodeRuntime
{
    /// <summary>Most Readys one input may produce; more means the core does not settle, a bug.</summary>
    public const int DrainRoundsMax = 100_000;

    /// <summary>Carries out every pending Ready, honouring its ordering contract.</summary>
    private void Drain()
    {
        if (DeferDrainToBatch()) return;
        var rounds = 0;
        while (!Stopped && Raft.HasReady)
        {
            if (++rounds > DrainRoundsMax)
                throw new InvalidOperationException($"node {Raft.Id} produced more than {DrainRoundsMax} Readys for one input (commit {Raft.CommitIndex}, applied {Raft.AppliedIndex}, stable {Raft.StableIndex}, last {Raft.LastIndex})");
            var ready = Raft.TakeReady();
            Observer?.OnReady(Raft.Id, ready);
            foreach (var m in ready.MessagesNow) SendNow(m);
            Persist(ready);
            AcknowledgeBeforeApply(ready.Entries); // only the forward-ack-before-apply canary acts here
            Apply(ready.CommittedEntries);
            MaybePersistApplied(tick: false);
            MaybeSnapshot();
            foreach (var read in ready.ReadStates) QueueRead(read);
            foreach (var id in ready.FailedReads) FailRead(id);
            ServeReads();
            CarryForwards(ready);
        }
        if (!Stopped && Raft.SnapshotWanted && Raft.Role == RaftRole.Leader) StartSnapshotProduction();
        Invariant.Holds(Stopped || rounds == 0 || !Raft.HasReady, "a drain leaves no Ready behind (node {0})", Raft.Id);
        Invariant.Holds(Raft.AppliedIndex <= Raft.CommitIndex || _bugs.BreaksSafety, "applied {0} at or below commit {1}", Raft.AppliedIndex, Raft.CommitIndex);
    }

    private void Persist(Ready ready)
    {
        var after = ready.MessagesAfterPersist;
        if (_bugs.AckBeforeSync)
        {
            foreach (var m in after) SendNow(m);
            after = new List<Message>();
        }
        if (ready.MustPersist && !CarryCommitOnly(ready))
        {
            var hardState = ready.HardState ?? _carriedHardState;
            _carriedHardState = null;
            if (hardState is not null) _writtenHardState = hardState;
            if (hardState is not null && _bugs.VoteNotPersisted) hardState = new HardState { Commit = hardState.Commit };
            Invariant.Holds(ready.Entries.Count == 0 || ready.Entries[0].Index > Raft.SnapshotIndex || ready.Snapshot is not null,
                "entries to persist follow the snapshot: first {0}, snapshot {1}", ready.Entries.Count == 0 ? 0 : ready.Entries[0].Index, Raft.SnapshotIndex);
            var write = new DiskWrite(++_writeSeq, hardState, ready.Entries, ready.Snapshot);
            var last = ready.Entries.Count > 0 ? ready.Entries[^1] : null;
            EnqueueWrite(new PendingWrite(write.Id, last?.Index ?? 0, last?.Term ?? 0, after, ready.Snapshot, hardState?.Term ?? 0));
            _disk.Submit(write);
        }
        else if (_writes.Count > 0)
        {
            // Depends on writes still in flight (for example a repeated append of entries not yet synced).
            _lastWrite!.Messages.AddRange(after);
        }
        else
        {
            foreach (var m in after) SendNow(m);
        }
    }

    private void Apply(List<Entry> entries)
    {
        foreach (var entry in entries)
        {
            Invariant.Holds(entry.Index <= Raft.CommitIndex || _bugs.BreaksSafety, "only committed entries are applied: entry {0}, commit {1}", entry.Index, Raft.CommitIndex);
            // A durable store's snapshot may carry state past its index; the entries it covers are skipped.
            Invariant.Holds(entry.Index > _stateMachine.AppliedIndex || entry.Type != EntryType.EntryNormal || _bugs.ReentrantInputs || _stateMachine.HasDurableStore,
                "entries are applied once, in log order: entry {0} after applied {1}", entry.Index, _stateMachine.AppliedIndex);
            byte[]? result = null;
            if (entry.Type == EntryType.EntryNormal && entry.Index > _stateMachine.AppliedIndex)
                result = _stateMachine.Apply(entry.Index, entry.Data.Span);
            Observer?.OnApplied(Raft.Id, entry);
            AnswerProposal(entry, result);
        }
    }
}
