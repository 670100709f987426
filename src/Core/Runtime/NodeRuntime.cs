using Cairn.Core.Determinism;
using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Cairn.Core.StateMachine;
using Cairn.Core.Wire;

namespace Cairn.Core.Runtime;

/// <summary>
/// Drives one <see cref="RaftNode"/> through the network, disk and clock seams and a replicated
/// <see cref="IStateMachine"/>. The simulator and the host both use this class, so the persistence
/// contract is enforced in exactly one place: acknowledgements leave only after their write is durable,
/// and clients are answered only after their entry is committed and applied.
/// </summary>
public sealed partial class NodeRuntime
{
    private readonly INetwork _network;
    private readonly ILogDisk _disk;
    private readonly IStateMachine _stateMachine;
    private readonly IClientReplySink _replies;
    private readonly RaftBugs _bugs;
    private readonly Queue<PendingWrite> _writes = new();
    private long _writeSeq;
    private PendingWrite? _lastWrite;

    private sealed record PendingWrite(long Id, ulong LastIndex, ulong LastTerm, List<Message> Messages, SnapshotRecord? Snapshot = null, ulong HardStateTerm = 0);

    /// <summary>Starts a node from whatever its disk holds.</summary>
    public NodeRuntime(RaftOptions options, IRandomSource random, INetwork network, ILogDisk disk,
        IStateMachine stateMachine, IClientReplySink replies, INodeObserver? observer = null)
        : this(options, random, network, disk, stateMachine, replies, observer, RaftBugs.None)
    {
    }

    internal NodeRuntime(RaftOptions options, IRandomSource random, INetwork network, ILogDisk disk,
        IStateMachine stateMachine, IClientReplySink replies, INodeObserver? observer, RaftBugs bugs)
    {
        _network = network;
        _disk = disk;
        _stateMachine = stateMachine;
        _replies = replies;
        _bugs = bugs;
        Observer = observer;
        _options = options;
        _proposalKeyBase = DrawProposalKeyBase(random);
        _files = new SnapshotFiles(disk.Snapshots);
        var durable = disk.Load();
        _writtenHardState = durable.HardState ?? new HardState();
        // Raft §7: the state machine starts from the durable snapshot or its own durable store; the entries after it are replayed.
        RecoverStateMachine(durable);
        // Snapshot files the durable record does not name (a crash between a file's commit and its record) go.
        _files.Retain(durable.Snapshot);
        _durableSnapshot = durable.Snapshot;
        Raft = new RaftNode(options, random, durable.HardState, durable.Entries, bugs, durable.Snapshot, _files);
        Raft.SetApplied(stateMachine.AppliedIndex);
        Drain();
    }

    /// <summary>The Raft core, for inspection. Drive it only through this runtime.</summary>
    public RaftNode Raft { get; }

    /// <summary>Observer of outputs, or null.</summary>
    public INodeObserver? Observer { get; }

    /// <summary>True once the node fail-stopped (an fsync failed); it accepts no further input.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Why the node fail-stopped.</summary>
    public string? StopReason { get; private set; }

    /// <summary>Frames that failed to decode (corrupt or malformed) and were dropped.</summary>
    public long DroppedFrames { get; private set; }

    /// <summary>Fault points the simulator may fire (also set on the Raft core); off everywhere else.</summary>
    internal Buggify Buggify
    {
        get => Raft.Buggify;
        set => Raft.Buggify = value;
    }

    /// <summary>Advances the node's logical time by one tick.</summary>
    public void Tick() => Accept(0, static (r, _) => r.TickNow());

    private void TickNow()
    {
        if (Stopped) return;
        ReleaseDelayed();
        ExpireProposals();
        Raft.Tick();
        MaybePersistApplied(tick: true);
        Drain();
    }

    /// <summary>Handles one frame from the network; corrupt or malformed frames are counted and dropped.</summary>
    public void Receive(ReadOnlySpan<byte> frame)
    {
        if (Stopped) return;
        // Decoding is pure, so it happens at once; the step waits its turn behind any input in progress.
        var message = FrameCodec.TryDecode(frame, out _, verifyChecksum: !_bugs.SkipChecksum);
        if (message is null) { DroppedFrames++; return; }
        Accept(message, static (r, m) => r.StepNow(m));
    }

    private void StepNow(Message message)
    {
        if (Stopped) return;
        ReleaseDelayed();
        Raft.Step(message);
        Drain();
    }

    /// <summary>
    /// The disk made exactly write <paramref name="writeId"/> durable, and it is the oldest write still
    /// pending: completions are reported one by one, in submission order. A completion for any other id
    /// (out of order, unknown, or already completed) fail-stops the node: the driver broke the seam, and
    /// acknowledging on its word could lose an acknowledged write. For group commit see
    /// <see cref="OnDiskWritesDurableThrough"/>.
    /// </summary>
    public void OnDiskWriteDurable(long writeId) => Accept(writeId, static (r, id) => r.CompleteWrites(id, cumulative: false));

    /// <summary>
    /// Group commit: every pending write with an id up to and including <paramref name="writeId"/> is
    /// durable (one sync covered them all). <paramref name="writeId"/> must be a pending write's id; an
    /// unknown or already completed id fail-stops the node.
    /// </summary>
    public void OnDiskWritesDurableThrough(long writeId) => Accept(writeId, static (r, id) => r.CompleteWrites(id, cumulative: true));

    /// <summary>
    /// The disk could not make a write durable (fsync failed). After fsyncgate, no process can know what
    /// reached the platter, so the node fail-stops instead of carrying on with unknown durability.
    /// </summary>
    public void OnDiskWriteFailed(long writeId, string reason) => FailStop($"disk write {writeId} failed: {reason}");

    private void Reply(ulong requestId, ClientOutcome outcome, ulong index = 0, byte[]? result = null, string? error = null)
    {
        _pendingRequests.Remove(requestId);
        _replies.OnReply(new ClientReply(requestId, outcome, index, result, Raft.Leader, error));
    }

    private readonly List<Message> _delayed = new();

    private void SendNow(Message m)
    {
        if (Buggify.Fires(FaultPoint.DelaySend)) { _delayed.Add(m); return; }
        Transmit(m);
    }

    private void Transmit(Message m)
    {
        Observer?.OnSent(Raft.Id, m);
        _network.Send(Raft.Id, m.To, FrameCodec.Encode(m));
    }

    /// <summary>Sends messages a fault point held back; called at the start of every input.</summary>
    private void ReleaseDelayed()
    {
        if (_delayed.Count == 0) return;
        var held = _delayed.ToArray();
        _delayed.Clear();
        foreach (var m in held) Transmit(m);
    }
}
