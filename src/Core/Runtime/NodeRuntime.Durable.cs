using Cairn.Core.Raft.Wire;

namespace Cairn.Core.Runtime;

/// <summary>
/// The durable state-machine seam (issue 8 §2): a state machine with a store of its own
/// (<see cref="StateMachine.IStateMachine.HasDurableStore"/>) is made durable in batches, the Raft log is
/// compacted only up to its durable applied index, and a restart replays only the entries after that index.
/// </summary>
public sealed partial class NodeRuntime
{
    /// <summary>Most applied entries a durable store holds in its open batch before the runtime commits it
    /// (etcd's backend batch limit, scaled to our entry sizes).</summary>
    public const int AppliedPersistEntriesMax = 256;

    /// <summary>Ticks after which an open apply batch is committed even when it is small (etcd's 100 ms
    /// backend batch interval at a 10 ms tick).</summary>
    public const int AppliedPersistTicks = 10;

    private int _ticksSincePersist;

    /// <summary>Applied entries the state machine's store has not made durable yet (committed but not yet
    /// synced ones included).</summary>
    public ulong AppliedNotDurable => _stateMachine.HasDurableStore ? _stateMachine.AppliedIndex - _stateMachine.DurableAppliedIndex : 0;

    /// <summary>Applied entries still in the store's open apply batch (not committed to it yet).</summary>
    public ulong AppliedNotStored => _stateMachine.HasDurableStore ? _stateMachine.AppliedIndex - _stateMachine.StoredAppliedIndex : 0;

    /// <summary>
    /// Raft §7 at start: a state machine without a store of its own starts from the durable snapshot; a durable
    /// store already holds everything up to its durable applied index and replays only the entries after it.
    /// Its store is behind the snapshot only when a leader's snapshot install was logged and the store had not
    /// committed it yet: it restores from that snapshot. Behind a compaction, entries it needs are gone.
    /// </summary>
    /// <exception cref="DurableStateLostException">The log was compacted past the store's durable applied index.</exception>
    private void RecoverStateMachine(DurableState durable)
    {
        if (durable.Snapshot is not { Index: > 0 } snapshot) return;
        if (snapshot.InStore && !_stateMachine.HasDurableStore)
            throw new InvalidDataException($"the log's snapshot at {snapshot.Index} says the state machine's store holds the state, but this state machine keeps no store; refusing to start");
        if (!_stateMachine.HasDurableStore)
        {
            if (snapshot.Index > _stateMachine.AppliedIndex) Restore(snapshot);
            return;
        }
        var stored = _stateMachine.DurableAppliedIndex;
        if (snapshot.Index <= stored) return;
        if (snapshot.ReplaceLog)
        {
            Restore(snapshot);
            return;
        }
        throw new DurableStateLostException(
            $"log compacted past the durable applied index: the log starts after {snapshot.Index} but the state machine's store is durable only through {stored}; entries {stored + 1}..{snapshot.Index} are lost; refusing to start");
    }

    /// <summary>The index a compaction may trim the log to: the applied index, and never past what the state
    /// machine's store has made durable.</summary>
    private ulong CompactionLimit()
    {
        if (!_stateMachine.HasDurableStore || _bugs.CompactPastDurableApplied) return Raft.AppliedIndex;
        return Math.Min(Raft.AppliedIndex, _stateMachine.DurableAppliedIndex);
    }

    /// <summary>
    /// Commits the store's open apply batch (counted against <see cref="StateMachine.IStateMachine.StoredAppliedIndex"/>,
    /// so a store that syncs in the background is not asked again while its sync runs) once it holds <see cref="AppliedPersistEntriesMax"/> entries or on
    /// a tick (<paramref name="tick"/>) after <see cref="AppliedPersistTicks"/> ticks; only when every applied
    /// entry is durable in this node's log, so the store is never ahead of the log it will replay.
    /// </summary>
    private void MaybePersistApplied(bool tick)
    {
        if (!_stateMachine.HasDurableStore) return;
        if (tick) _ticksSincePersist++;
        var pending = AppliedNotStored;
        if (pending == 0) { _ticksSincePersist = 0; return; }
        if (pending < AppliedPersistEntriesMax && _ticksSincePersist < AppliedPersistTicks) return;
        if (Raft.AppliedIndex > Raft.StableIndex) return;
        _stateMachine.PersistApplied();
        _ticksSincePersist = 0;
        if (_stateMachine.StoredAppliedIndex != _stateMachine.AppliedIndex)
            throw new InvalidOperationException($"node {Raft.Id}: the store committed through {_stateMachine.StoredAppliedIndex}, not the applied index {_stateMachine.AppliedIndex}");
        Invariant.Holds(_stateMachine.DurableAppliedIndex <= _stateMachine.StoredAppliedIndex, "the store's durable applied index {0} is not ahead of its committed one {1}",
            _stateMachine.DurableAppliedIndex, _stateMachine.StoredAppliedIndex);
    }
}

/// <summary>A restart found the Raft log compacted past the index the state machine's store made durable:
/// applied state is lost and the node refuses to start.</summary>
public sealed class DurableStateLostException(string message) : IOException(message);
