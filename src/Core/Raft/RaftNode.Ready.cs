using Cairn.Core.Raft.Wire;

namespace Cairn.Core.Raft;

public sealed partial class RaftNode
{
    private HardState CurrentHardState => new() { Term = Term, Vote = Vote, Commit = _log.Committed };

    private bool HardStateChanged =>
        _handedOutHardState.Term != Term || _handedOutHardState.Vote != Vote || _handedOutHardState.Commit != _log.Committed;

    /// <summary>True when <see cref="TakeReady"/> has work for the driver.</summary>
    public bool HasReady =>
        CommitBroadcastDue || _messagesNow.Count > 0 || _messagesAfterPersist.Count > 0 || _readStates.Count > 0 || _failedReads.Count > 0 || HasForwardWork || HardStateChanged
        || _log.HasUnpersisted || _snapshotToPersist is not null || _log.HasApplicable(!_bugs.ApplyBeforeDurable);

    /// <summary>Takes the pending outputs. The driver must honour the ordering contract on <see cref="Ready"/>.</summary>
    public Ready TakeReady()
    {
        CheckWatermarks();
        if (_commitBroadcastDue) BroadcastCommit();
        var ready = new Ready();
        if (HardStateChanged)
        {
            var next = CurrentHardState;
            CheckHardStateMonotonic(next);
            _handedOutHardState = next;
            ready.HardState = _handedOutHardState.Clone();
        }
        ready.Snapshot = _snapshotToPersist;
        _snapshotToPersist = null;
        ready.Entries = _log.TakeUnpersisted();
        ready.MessagesNow.AddRange(_messagesNow);
        ready.MessagesAfterPersist.AddRange(_messagesAfterPersist);
        ready.ReadStates.AddRange(_readStates);
        ready.FailedReads.AddRange(_failedReads);
        TakeForwardWork(ready);
        ready.CommittedEntries = _log.TakeApplicable(!_bugs.ApplyBeforeDurable, ApplyBatchMax);
        _messagesNow.Clear();
        _messagesAfterPersist.Clear();
        _readStates.Clear();
        _failedReads.Clear();
        return ready;
    }
}
