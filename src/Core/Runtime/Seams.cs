using Cairn.Core.Raft.Wire;

namespace Cairn.Core.Runtime;

/// <summary>
/// Sends frames to peers. Delivery is best effort: frames may be lost, duplicated or reordered. A transport may
/// deliver synchronously, calling the destination's <see cref="NodeRuntime.Receive"/> from inside
/// <see cref="Send"/>, even back into the sender: a node queues an input that arrives while it is busy and
/// carries it out once the current input returns (<see cref="NodeRuntime.DeferredInputsMax"/>).
/// </summary>
public interface INetwork
{
    /// <summary>Queues <paramref name="frame"/> for delivery to node <paramref name="to"/>.</summary>
    void Send(ulong from, ulong to, byte[] frame);
}

/// <summary>A node's local clock. Only durations measured on it matter; it may be skewed or jump.</summary>
public interface IClock
{
    /// <summary>Milliseconds on this node's clock.</summary>
    long NowMs { get; }
}

/// <summary>
/// One atomic batch for the Raft log disk: store the snapshot (dropping the entries it covers, or with
/// <see cref="SnapshotRecord.ReplaceLog"/> every entry), truncate at the first entry's index, append, set
/// hard state, sync.
/// </summary>
/// <param name="Id">Sequence number, growing by one per write; completions are reported in this order.</param>
/// <param name="HardState">Hard state to store, or null to keep the stored one.</param>
/// <param name="Entries">Contiguous entries; stored entries at or after the first one's index are dropped.</param>
/// <param name="Snapshot">A snapshot replacing the stored one (Raft §7), or null.</param>
public sealed record DiskWrite(long Id, HardState? HardState, IReadOnlyList<Entry> Entries, SnapshotRecord? Snapshot = null);

/// <summary>What a node finds on its disk when it starts.</summary>
/// <param name="HardState">The stored hard state, or null on a fresh disk.</param>
/// <param name="Entries">The stored log, contiguous from the snapshot's index + 1 (from 1 without one).</param>
/// <param name="Snapshot">The stored snapshot, or null.</param>
public sealed record DurableState(HardState? HardState, IReadOnlyList<Entry> Entries, SnapshotRecord? Snapshot = null);

/// <summary>
/// The Raft log's durable storage. Every record carries a checksum. Once a write is durable the driver calls
/// <see cref="NodeRuntime.OnDiskWriteDurable"/> with its id (one write, the oldest pending: completions are in
/// submission order), or <see cref="NodeRuntime.OnDiskWritesDurableThrough"/> with the last id of a group one
/// sync covered (group commit), or <see cref="NodeRuntime.OnDiskWriteFailed"/>. Any other completion (out of
/// order, unknown, repeated) fail-stops the node. The completion may be called from inside
/// <see cref="Submit"/> (a synchronous disk): the node queues it until the input that submitted returns.
/// </summary>
public interface ILogDisk
{
    /// <summary>Loads the durable state; throws <see cref="InvalidDataException"/> when it is corrupt.</summary>
    DurableState Load();

    /// <summary>Starts a write and its sync. When the disk is full the write waits for space; it never fails half-done.</summary>
    void Submit(DiskWrite write);

    /// <summary>True while the disk has no free space: new client proposals are refused with a clear error.</summary>
    bool OutOfSpace { get; }

    /// <summary>
    /// The store that keeps snapshot bytes as files beside this log (the same device, the same crash), or null to keep
    /// them inline in the log's snapshot record (only for small test state machines: an inline snapshot is held in
    /// memory whole). The same instance on every call.
    /// </summary>
    ISnapshotStore? Snapshots => null;
}
