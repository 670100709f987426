using Cairn.Core.Kv.Wire;
using Cairn.Core.Raft;
using Cairn.Core.Runtime;
using Google.Protobuf;

namespace Cairn.Core.Kv.Service;

/// <summary>
/// The etcd v3 KV service of one node: one <see cref="NodeRuntime"/> plus the <see cref="KvStateMachine"/>
/// it applies to. Writes (put, delete, txn, compact, lease grant and revoke) are proposed as
/// <see cref="KvCommand"/> entries stamped with an exactly-once session; linearizable ranges wait for a
/// ReadIndex confirmation (Raft §8) and then read the local state; serializable ranges read it at once;
/// lease keep-alive and time-to-live are answered by the leader's <see cref="Lessor"/> after the same
/// confirmation. Replies and watch responses leave as data through an <see cref="IKvReplySink"/>.
/// Both the simulator and the host drive this class; it never reads a clock or starts a thread.
/// </summary>
public sealed partial class KvNode : IClientReplySink
{
    /// <summary>Request ids at or above this value are the node's own (lease_expire proposals); callers
    /// must use smaller ids.</summary>
    public const ulong InternalRequestIdMin = 1UL << 63;

    private readonly IKvReplySink _replies;
    private readonly KvServiceOptions _options;
    private readonly KvBugs _bugs;
    private ulong _nextInternalId = InternalRequestIdMin;
    private long? _lastClockMs;
    private long _lessorClockMs;
    private bool _leading;
    private ulong _leadingTerm;

    /// <summary>Wraps a running node whose client replies are forwarded to <see cref="OnReply"/>
    /// (see <see cref="Create"/> for a runtime built with this node as its sink).</summary>
    /// <param name="runtime">The node runtime applying to <paramref name="stateMachine"/>.</param>
    /// <param name="stateMachine">The runtime's state machine.</param>
    /// <param name="replies">Where replies and watch responses go.</param>
    /// <param name="options">Limits; <see cref="KvServiceOptions.Default"/> when null.</param>
    public KvNode(NodeRuntime runtime, KvStateMachine stateMachine, IKvReplySink replies, KvServiceOptions? options = null)
        : this(runtime, stateMachine, replies, options, KvBugs.None)
    {
    }

    internal KvNode(NodeRuntime runtime, KvStateMachine stateMachine, IKvReplySink replies, KvServiceOptions? options, KvBugs bugs)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(stateMachine);
        ArgumentNullException.ThrowIfNull(replies);
        Runtime = runtime;
        StateMachine = stateMachine;
        _replies = replies;
        _options = options ?? KvServiceOptions.Default;
        _options.Validate();
        _options.ValidateAgainst(runtime.Options);
        _bugs = bugs;
        runtime.ForwardedRequests = this;
    }

    /// <summary>Builds the runtime with this node as its reply sink and wraps it.</summary>
    /// <param name="createRuntime">Builds the runtime given the sink it must answer clients through.</param>
    /// <param name="stateMachine">The state machine the runtime applies to.</param>
    /// <param name="replies">Where replies and watch responses go.</param>
    /// <param name="options">Limits; defaults when null.</param>
    /// <returns>The KV service of the new node.</returns>
    public static KvNode Create(Func<IClientReplySink, NodeRuntime> createRuntime, KvStateMachine stateMachine,
        IKvReplySink replies, KvServiceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(createRuntime);
        var forward = new ReplyForwarder();
        var node = new KvNode(createRuntime(forward), stateMachine, replies, options);
        forward.Target = node;
        return node;
    }

    /// <summary>The node runtime (Raft, persistence, apply).</summary>
    public NodeRuntime Runtime { get; }

    /// <summary>The replicated KV state machine (and its watch hub and lessor).</summary>
    public KvStateMachine StateMachine { get; }

    /// <summary>The lessor's elapsed time in ms: the sum of the local clock's positive steps, each capped
    /// at <see cref="KvServiceOptions.LessorStepMaxMs"/>.</summary>
    public long LessorClockMs => _lessorClockMs;

    /// <summary>Requests waiting for a ReadIndex confirmation.</summary>
    public int PendingReads => _pendingReads.Count;

    /// <summary>True while this node believes it leads (as last observed by the service).</summary>
    public bool IsLeader => _leading;

    /// <summary>
    /// Advances time: ticks the runtime, follows leadership (the lessor is promoted on becoming leader and
    /// demoted on losing it), proposes lease_expire for leases the lessor reports expired, runs one slice of a
    /// pending compaction, and hands every watch response queued before the tick to the sink (in batches of
    /// <see cref="KvServiceOptions.WatchFlushMax"/>).
    /// </summary>
    /// <param name="nowMs">The node's local clock; it may be skewed, drift or jump.</param>
    public void Tick(long nowMs)
    {
        AdvanceLessorClock(nowMs);
        Runtime.Tick();
        ObserveLeadership();
        if (_leading)
        {
            ExpireLeases();
        }
        StateMachine.CompactSlice();
        FlushQueuedWatches();
    }

    /// <summary>The runtime's client replies; called by the runtime (directly or through a forwarder).</summary>
    /// <param name="reply">The runtime's reply.</param>
    public void OnReply(ClientReply reply)
    {
        if (_pendingReads.Remove(reply.RequestId, out PendingRead? read))
        {
            Complete(read, reply); // a client's read, or (internal id) one a follower forwarded here
        }
        else if (reply.RequestId >= InternalRequestIdMin)
        {
            return; // a lease_expire proposal: the lessor re-reports it if it did not take effect
        }
        else if (_forwarding.Remove(reply.RequestId))
        {
            RelayForwarded(reply);
        }
        else if (reply.Outcome == ClientOutcome.Applied)
        {
            Send(reply.RequestId, KvReplyStatus.Ok, reply.Result is null ? Missing() : KvResult.Parser.ParseFrom(reply.Result));
        }
        else if (reply.Outcome != ClientOutcome.ReadReady)
        {
            Send(reply.RequestId, StatusOf(reply.Outcome), error: reply.Error);
        }
        FlushWatches();
    }

    private void AdvanceLessorClock(long nowMs)
    {
        if (_lastClockMs is long last && nowMs > last)
        {
            _lessorClockMs += Math.Min(nowMs - last, _options.LessorStepMaxMs);
        }
        _lastClockMs = nowMs;
    }

    /// <summary>Promotes or demotes the lessor when leadership changed since the last look, and answers
    /// NotLeader to requests whose ReadIndex round died with the old term.</summary>
    private void ObserveLeadership()
    {
        RaftNode raft = Runtime.Raft;
        bool leading = !Runtime.Stopped && raft.Role == RaftRole.Leader;
        if (leading == _leading && (!leading || raft.Term == _leadingTerm))
        {
            return;
        }
        FailPendingReads();
        Lessor lessor = StateMachine.Lessor;
        if (lessor.IsPrimary)
        {
            lessor.Demote();
        }
        _leading = leading;
        _leadingTerm = leading ? raft.Term : 0;
        if (leading)
        {
            lessor.Promote(_lessorClockMs);
        }
        Invariant.Holds(lessor.IsPrimary == _leading, "the lessor is primary exactly while this node leads");
    }

    private void ExpireLeases()
    {
        Lessor lessor = StateMachine.Lessor;
        IReadOnlyList<long> expired = lessor.Tick(_lessorClockMs);
        foreach (long id in expired.Take(_options.ExpireProposalsPerTickMax))
        {
            if (_bugs.LocalLeaseExpiry)
            {
                StateMachine.ExpireLeaseLocally(id); // canary: not replicated
                continue;
            }
            var command = new KvCommand { LeaseExpire = new LeaseExpireRequest { ID = id } };
            Runtime.Propose(_nextInternalId++, command.ToByteArray());
        }
    }

    private void Send(ulong requestId, KvReplyStatus status, KvResult? result = null, string? error = null) =>
        _replies.OnReply(new KvReply(requestId, status, result, Runtime.Raft.Leader, error));

    private static KvReplyStatus StatusOf(ClientOutcome outcome) => outcome switch
    {
        ClientOutcome.NotLeader => KvReplyStatus.NotLeader,
        ClientOutcome.Dropped => KvReplyStatus.Dropped,
        _ => KvReplyStatus.Rejected,
    };

    private static KvResult Missing() =>
        new KvRequestException(KvErrorCode.MalformedCommand, "applied entry carried no result").ToResult();

    private sealed class ReplyForwarder : IClientReplySink
    {
        public KvNode? Target { get; set; }

        public void OnReply(ClientReply reply) => Target?.OnReply(reply);
    }
}
