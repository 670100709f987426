using Cairn.Core.Kv;
using Cairn.Core.Kv.Service;
using Cairn.Core.Runtime;
using Cairn.Core.StateMachine;
using Cairn.Simulation.Checking.Kv;
using Cairn.Simulation.Engine;
using Cairn.Simulation.History;
using Cairn.Simulation.World;

namespace Cairn.Simulation.Workloads.Kv;

/// <summary>
/// The <c>kv</c> workload: a <see cref="KvNode"/> on every node and simulated etcd clients against them.
/// KV clients register an exactly-once session, then issue linearizable and serializable reads, puts,
/// deletes, compare-and-swap and multi-key transactions, and lease operations, each with a per-attempt
/// timeout and retries under the same session sequence; an operation given up on has an unknown outcome.
/// Watch clients keep one logical watch stream each, moving it between nodes (start = last seen + 1).
/// Checks: replica agreement after every apply (continuous); at the end, linearizability of the recorded
/// history and every watch stream against the committed revision history.
/// </summary>
public sealed partial class KvWorkload : IWorkload, INodeApplicationFactory, IHistoryWorkload
{
    /// <summary>How long a client waits for one attempt before retrying at another node, in ms.</summary>
    public const int AttemptTimeoutMs = 1000;

    /// <summary>Most attempts per operation before the client gives up.</summary>
    public const int AttemptsMax = 30;

    /// <summary>How long a client keeps retrying one operation before it gives up, in ms. Longer than the
    /// nemesis' partitions, so most operations survive a fault; a given-up write has an unknown outcome
    /// unless every attempt was refused.</summary>
    public const int OperationDeadlineMs = 5_000;

    /// <summary>Longest pause between two attempts, in ms.</summary>
    public const int RetryBackoffMaxMs = 500;

    /// <summary>Watch clients per run, in addition to the KV clients.</summary>
    public const int WatchClients = 2;

    /// <summary>Whether a client that reuses request ids may take the id of a pending write, or write with a reused
    /// id. Off until every node refuses any pending id at admission (h8's runtime change; today only pending
    /// reads are refused), so that what the checks catch is a real fault, not the known gap.</summary>
    internal const bool ReusedIdsAgainstWrites = true;

    private static readonly RetryPolicy Policy = new(AttemptTimeoutMs, AttemptsMax, OperationDeadlineMs, 25, RetryBackoffMaxMs);

    private readonly SimRandom _random;
    private readonly KvBugs _bugs;

    /// <summary>Makes each state machine's MVCC backend (<c>--store</c>); null for the in-memory one.</summary>
    public Func<IMvccBackend>? BackendFactory { get; init; }
    /// <summary>kv-large: values are padded to 4–64 KiB on the wire (<see cref="LargeValues"/>).</summary>
    private readonly bool _largeValues;
    private readonly RunLimits _limits;
    private readonly SortedDictionary<int, IMvccBackend> _durableStores = new();
    private readonly KvOperationDraw _draw;
    private readonly HistoryRecorder _history = new();
    private readonly SortedDictionary<int, KvNodeApplication> _applications = new();
    private KvClient[] _clients = [];
    private IClientWorld _world = null!;
    private ClientRetryLoop _loop = null!;
    private int _nextProcess;
    private long _firstAckAfterHeal = -1;

    /// <summary>Creates the workload with its own seeded stream and no canary.</summary>
    public KvWorkload(SimRandom random)
        : this(random, KvBugs.None, RunLimits.Default)
    {
    }

    internal KvWorkload(SimRandom random, KvBugs bugs, RunLimits limits, bool largeValues = false)
    {
        _random = random;
        _bugs = bugs;
        _largeValues = largeValues;
        _limits = limits;
        _draw = new KvOperationDraw(random);
        KvOptions = KvOptions.Default with
        {
            SessionsMax = limits.SessionsMax ?? KvOptions.Default.SessionsMax,
            SessionIdleEntriesMax = limits.SessionIdleEntriesMax ?? KvOptions.Default.SessionIdleEntriesMax,
        };
    }

    /// <summary>The replicated KV limits of this run (from its <see cref="RunLimits"/>).</summary>
    internal KvOptions KvOptions { get; }

    /// <inheritdoc />
    public string Name => "kv";

    /// <inheritdoc />
    public long Acknowledged { get; private set; }

    /// <summary>Serializable reads answered (not checked for linearizability).</summary>
    public long SerializableReads { get; private set; }

    /// <summary>Operations given up on with an unknown outcome.</summary>
    public long UnknownOutcomes { get; private set; }

    /// <summary>Operations refused because the client's session was evicted or expired (tiny session limits).</summary>
    public long SessionsEnded { get; private set; }

    /// <summary>This run's seeded limits.</summary>
    internal RunLimits Limits => _limits;

    /// <summary>Leases granted to clients.</summary>
    public long LeasesGranted { get; private set; }

    /// <summary>Compactions applied (a compaction at or below an earlier one is refused and not counted).</summary>
    public long Compactions { get; private set; }

    /// <summary>Keep-alives that renewed a lease.</summary>
    public long KeepAlivesRenewed { get; private set; }

    /// <summary>Times a client found its lease gone without revoking it (expired).</summary>
    public long LeasesFoundExpired { get; private set; }

    /// <summary>The recorded client history (linearizable operations only).</summary>
    public IReadOnlyList<HistoryEvent> HistoryEvents => _history.Events;

    /// <inheritdoc />
    public IStateMachine CreateStateMachine() =>
        new RecordingStateMachine(new KvStateMachine(KvOptions, BackendFactory?.Invoke(), WatchOptions, null, _bugs), this);

    private WatchOptions WatchOptions => WatchOptions.Default with
    {
        PendingResponsesMax = _limits.WatchPendingResponsesMax ?? WatchOptions.Default.PendingResponsesMax,
    };

    /// <inheritdoc />
    /// <remarks>A durable store (<c>--store sqlite</c>) outlives the node's crashes, as its file would: the new
    /// incarnation gets it back with what the last one did not commit discarded (the crash model).</remarks>
    public IStateMachine CreateStateMachine(int node)
    {
        IMvccBackend? backend;
        if (_durableStores.TryGetValue(node, out IMvccBackend? kept))
        {
            backend = MvccStores.AfterCrash(kept);
        }
        else
        {
            backend = BackendFactory?.Invoke();
            if (backend is { IsDurable: true }) _durableStores.Add(node, backend);
        }
        return new RecordingStateMachine(new KvStateMachine(KvOptions, backend, WatchOptions, null, _bugs), this);
    }

    /// <inheritdoc />
    public INodeApplication? CreateApplication(SimNode node)
    {
        var stateMachine = (RecordingStateMachine)node.StateMachine!;
        stateMachine.Node = node.Id;
        var application = new KvNodeApplication(this, node);
        var service = new KvServiceOptions { WatchFlushMax = _limits.WatchFlushMax ?? new KvServiceOptions().WatchFlushMax };
        application.Kv = new KvNode(node.Runtime!, stateMachine.Inner, application, service, _bugs);
        _applications[node.Id] = application;
        return application;
    }

    /// <inheritdoc />
    public void Start(IClientWorld world)
    {
        _world = world;
        _loop = new ClientRetryLoop(world, _random, Policy);
        Agreement = new ReplicaAgreementCheck(world.Violations);
        LeaseOracle = new LeaseOracle(world);
        _clients = [.. Enumerable.Range(0, world.Options.Clients).Select(i => new KvClient(i) { Target = 1 + (i % world.NodeCount) })];
        _nextProcess = _clients.Length;
        foreach (KvClient c in _clients)
        {
            world.WakeClient(_random.Next(0, world.Options.ClientThinkMs * 2), c.Index, 0, null);
        }
        StartWatchers();
    }

    /// <inheritdoc />
    public void OnReply(int node, ClientReply reply)
    {
        if (_applications.TryGetValue(node, out KvNodeApplication? application) && application.Current)
        {
            application.Kv.OnReply(reply);
        }
    }

    /// <inheritdoc />
    public void OnWake(int client, long token, object? payload)
    {
        if (client >= _clients.Length)
        {
            OnWatcherWake(client - _clients.Length, payload);
            return;
        }
        OnClientWake(_clients[client], token, payload);
    }

    /// <inheritdoc />
    public bool Converged(long healTimeMs) => _firstAckAfterHeal >= 0 && WatchesCaughtUp();

    /// <summary>The run's violation log (for checks made at the node boundary).</summary>
    internal Checking.ViolationLog Violations => _world.Violations;

    private KvNodeApplication? CurrentApplication(int node) =>
        _applications.TryGetValue(node, out KvNodeApplication? application) && application.Current ? application : null;
}
