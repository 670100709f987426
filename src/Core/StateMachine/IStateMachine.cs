namespace Cairn.Core.StateMachine;

/// <summary>
/// A deterministic replicated state machine. The node runtime feeds it committed log entries in
/// index order, exactly once per incarnation; apply must depend only on the command bytes and the
/// state built from earlier commands, never on time, randomness or process-local hash order.
/// </summary>
public interface IStateMachine
{
    /// <summary>The index of the last entry applied (0 when nothing has been applied).</summary>
    ulong AppliedIndex { get; }

    /// <summary>Applies the committed command at <paramref name="index"/> and returns the reply bytes
    /// that the proposing client receives.</summary>
    /// <param name="index">The log index of the entry; strictly greater than <see cref="AppliedIndex"/>.</param>
    /// <param name="command">The command bytes exactly as proposed.</param>
    byte[] Apply(ulong index, ReadOnlySpan<byte> command);

    /// <summary>Serializes the whole state, including <see cref="AppliedIndex"/>.</summary>
    byte[] TakeSnapshot();

    /// <summary>Replaces the whole state with a snapshot produced by <see cref="TakeSnapshot"/>.</summary>
    void RestoreSnapshot(ReadOnlySpan<byte> snapshot);

    /// <summary>
    /// Writes the same snapshot as <see cref="TakeSnapshot"/> to <paramref name="destination"/>. The runtime uses this
    /// one: a state machine whose state may outgrow memory writes it piece by piece, never holding the whole snapshot.
    /// The default writes <see cref="TakeSnapshot"/>'s array.
    /// </summary>
    void WriteSnapshot(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(TakeSnapshot());
    }

    /// <summary>
    /// Replaces the whole state with the snapshot read from <paramref name="source"/> to its end. The runtime uses this
    /// one: a state machine whose state may outgrow memory reads it piece by piece. The default reads it all into an
    /// array for <see cref="RestoreSnapshot(ReadOnlySpan{byte})"/>.
    /// </summary>
    void RestoreSnapshot(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var all = new MemoryStream();
        source.CopyTo(all);
        RestoreSnapshot(all.GetBuffer().AsSpan(0, (int)all.Length));
    }

    /// <summary>
    /// Pins the current state (at <see cref="AppliedIndex"/>) for a snapshot written later, off the event loop, while
    /// applies continue. A state machine over a durable store commits what it applied and opens a read transaction;
    /// the default copies <see cref="TakeSnapshot"/> now.
    /// </summary>
    IStateSnapshot CaptureSnapshot() => new CopiedStateSnapshot(AppliedIndex, TakeSnapshot());

    /// <summary>
    /// True when the state machine keeps its state in a store of its own that survives a restart up to
    /// <see cref="DurableAppliedIndex"/> (the SQLite MVCC store). The runtime then compacts the Raft log only
    /// up to that index and, on restart, replays the entries after it instead of rebuilding from a snapshot.
    /// False (the default) when only the Raft snapshots make the state durable.
    /// </summary>
    bool HasDurableStore => false;

    /// <summary>
    /// The index up to which the state is durable: for a durable store its committed applied index (written
    /// atomically with the data it covers); otherwise the index the last snapshot covered (taken or restored).
    /// Never above <see cref="AppliedIndex"/>. The default suits a state machine without a durable store that
    /// does not track its snapshots: the runtime never reads it for such a machine.
    /// </summary>
    ulong DurableAppliedIndex => 0;

    /// <summary>
    /// The applied index of the store's last committed apply batch (<see cref="PersistApplied"/>): written, but
    /// durable only once <see cref="DurableAppliedIndex"/> reaches it. A store that syncs its commits in the
    /// background (the SQLite MVCC store on a file) reports it ahead of <see cref="DurableAppliedIndex"/>; one that
    /// syncs every commit reports the same. Always <c>DurableAppliedIndex ≤ StoredAppliedIndex ≤ AppliedIndex</c>.
    /// The runtime batches commits by it and bounds log compaction by <see cref="DurableAppliedIndex"/>.
    /// </summary>
    ulong StoredAppliedIndex => DurableAppliedIndex;

    /// <summary>
    /// Makes everything applied so far durable (commits the store's open apply batch, with the applied index
    /// in the same transaction). The runtime calls it only when every applied entry is durable in its own log.
    /// A no-op without a durable store.
    /// </summary>
    void PersistApplied()
    {
    }
}
