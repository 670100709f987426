using Cairn.Core.Raft;
using Cairn.Core.Runtime;
using Cairn.Simulation.Checking;
using Cairn.Simulation.Engine;
using Cairn.Simulation.Faults;
using Cairn.Simulation.Workloads;

namespace Cairn.Simulation.World;

/// <summary>
/// The deterministic world: scheduler, network, disks, clocks, processes, nemesis, workload and
/// checkers, all driven from one seed on one thread. A run has a safety phase with faults, then a
/// liveness phase that heals a majority core and demands convergence within a bound.
/// </summary>
public sealed partial class SimWorld
{
    private readonly RaftBugs _bugs;
    private readonly SimRandom _diskRandom;
    private readonly SimRandom _clientRandom;
    private readonly Nemesis? _nemesis;
    private readonly SnapshotTransferChecker _transfers;

    /// <summary>Builds the world for <paramref name="options"/>; nothing runs until <see cref="Run"/>.</summary>
    internal SimWorld(RunOptions options, IWorkload workload, RaftBugs bugs)
    {
        Options = options;
        Workload = workload;
        _bugs = bugs;
        Plan = FaultPlan.For(options.Faults, options.Seed, options.Nodes, options.Without);
        Violations = new ViolationLog(() => Scheduler.Now, options.Seed, options.Muted);
        Network = new SimNetwork(Scheduler, SimRandom.Derive(options.Seed, "network"), options.Nodes) { Profile = NetworkFor(Plan) };
        Seams = SeamModes.For(options);
        if (Seams.Network == NetworkDelivery.Synchronous) Network.DeliverSynchronously = DeliverNow;
        Network.Undeliverable = Undeliverable;
        _diskRandom = SimRandom.Derive(options.Seed, "disk");
        _clientRandom = SimRandom.Derive(options.Seed, "client-latency");
        var nodes = new List<SimNode>();
        _groupInFlight = new long[options.Nodes + 1];
        _groupNext = new long[options.Nodes + 1];
        for (var id = 1; id <= options.Nodes; id++) nodes.Add(new SimNode(id, new SimDisk(DiskFaultsFor(id)) { Now = () => Scheduler.Now }, new SimClock(Scheduler)));
        Nodes = nodes;
        Checker = new SafetyChecker(Nodes, Violations);
        _transfers = new SnapshotTransferChecker(Violations);
        ArmFaultPoints();
        if (Plan.Kinds != FaultKinds.None) _nemesis = new Nemesis(this, Plan, NemesisOptions, options.Seed);
    }

    /// <summary>Most events one run may process; more means an event storm, itself a bug.</summary>
    public const long EventsMax = 5_000_000;

    /// <summary>Most events one run may hold pending.</summary>
    public const int PendingEventsMax = 1_000_000;

    /// <summary>Most bytes one run may send. The heaviest correct runs (kv-large under swarm faults) send about
    /// 270 MB; a replication ping-pong that never converges sends gigabytes, and is itself a bug.</summary>
    public const long TrafficBytesMax = 1L << 30;

    /// <summary>Frames delivered inside <see cref="SimNetwork.Send"/> (synchronous delivery). They count toward
    /// <see cref="EventsMax"/>: a storm of them happens within one scheduled event, at one simulated instant.</summary>
    private long _deliveredNow;

    private bool OverBudget => Scheduler.Processed + _deliveredNow > EventsMax || Scheduler.Pending > PendingEventsMax
        || Network.SentBytes > TrafficBytesMax;

    private void ReportOverBudget() => Violations.Report("Bounded",
        $"run exceeded {EventsMax} events, {PendingEventsMax} pending events or {TrafficBytesMax} bytes sent (event storm): "
        + $"{Scheduler.Processed + _deliveredNow} events, {Scheduler.Pending} pending, {Network.SentBytes} bytes");

    /// <summary>The run's options.</summary>
    public RunOptions Options { get; }
    /// <summary>The run's fault mix.</summary>
    public FaultPlan Plan { get; }
    /// <summary>The sizes, intervals and chances of the nemesis' actions.</summary>
    public NemesisOptions NemesisOptions { get; } = NemesisOptions.Default;
    /// <summary>The event scheduler and simulated clock.</summary>
    public Scheduler Scheduler { get; } = new();
    /// <summary>The run's seam behaviours: how disks complete and how the network delivers.</summary>
    public SeamModes Seams { get; }
    /// <summary>The network.</summary>
    public SimNetwork Network { get; }
    /// <summary>Node processes, index 0 = node 1.</summary>
    public IReadOnlyList<SimNode> Nodes { get; }
    /// <summary>The workload.</summary>
    public IWorkload Workload { get; }
    /// <summary>Continuous Raft safety checks.</summary>
    public SafetyChecker Checker { get; }
    /// <summary>Violations found.</summary>
    public ViolationLog Violations { get; }
    /// <summary>The running hash of processed events.</summary>
    public TraceHash Hash { get; } = new();
    /// <summary>True after the final heal.</summary>
    public bool Healed { get; private set; }
    /// <summary>Simulated time of the final heal.</summary>
    public long HealTimeMs { get; private set; }
    /// <summary>Fault actions taken.</summary>
    public int FaultActions => _nemesis?.Actions ?? 0;

    private static NetworkProfile NetworkFor(FaultPlan plan) => new()
    {
        LatencyMinMs = 1,
        LatencyMaxMs = Math.Max(2, plan.LatencyMaxMs),
        TailRate = plan.Has(FaultKinds.Delay) ? plan.TailRate : 0,
        TailLatencyMs = 200,
        DropRate = plan.Has(FaultKinds.Drop) ? plan.DropRate : 0,
        DuplicateRate = plan.Has(FaultKinds.Duplicate) ? plan.DuplicateRate : 0,
        CorruptRate = plan.Has(FaultKinds.Corrupt) ? plan.CorruptRate : 0,
    };

    private DiskFaults DiskFaultsFor(int id)
    {
        var faulty = Plan.FaultyDisks.Contains(id);
        double Rate(FaultKinds kind, double rate) => faulty && Plan.Has(kind) ? rate : 0;
        return new DiskFaults
        {
            Random = SimRandom.Derive(Options.Seed, $"disk-{id}"),
            TornWrites = Plan.Has(FaultKinds.TornWrite),
            WriteFlipRate = Rate(FaultKinds.BitFlip, Plan.WriteFlipRate),
            ReadFlipRate = Rate(FaultKinds.BitFlip, Plan.ReadFlipRate),
            DamageRate = Rate(FaultKinds.DiskCorrupt, Plan.DamageRate),
            MisdirectRate = Rate(FaultKinds.MisdirectedWrite, Plan.MisdirectRate),
            LostWriteRate = Rate(FaultKinds.LostWrite, Plan.LostWriteRate),
            SkipChecksum = _bugs.SkipChecksum,
            CorruptLengthAsTornTail = _bugs.CorruptLengthAsTornTail,
            HoleAsEndOfLog = _bugs.HoleAsEndOfLog,
        };
    }

    /// <summary>Runs the safety phase, the heal, and the liveness phase; stops at the first violation.</summary>
    public void Run()
    {
        StartTimeline();
        foreach (var node in Nodes) StartNode(node);
        Workload.Start(this);
        _nemesis?.Start();
        Scheduler.After(Options.DurationMs, new HealEvent());
        var deadline = Options.DurationMs + Options.LivenessBoundMs;
        while (!Violations.Any && Scheduler.TryNext(deadline, out var e))
        {
            Hash.Add(Scheduler.Now);
            Hash.Add(((long)e.Kind << 32) | (uint)e.Node);
            Hash.Add(e.TraceValue);
            Dispatch(e);
            if (Healed && (Converged() || LivenessBoundPassed)) break;
            if (OverBudget)
            {
                if (!Violations.Any) ReportOverBudget();
                break;
            }
        }
        if (!Violations.Any)
        {
            if (!Converged()) ReportNoConvergence();
            else Workload.Finish();
        }
        FinishTimeline();
    }

    /// <summary>Writes a line to the trace, when tracing.</summary>
    public void Trace(string what, int node, long detail)
    {
        Options.Trace?.WriteLine($"{Scheduler.Now,8} {what,-10} n{node} {detail}");
    }

    /// <summary>Starts a new incarnation of <paramref name="node"/> from its disk; a corrupt disk keeps it down.</summary>
    private void StartNode(SimNode node)
    {
        var options = WithLargeValueLimits(new RaftOptions { Id = (ulong)node.Id, Peers = Enumerable.Range(1, Nodes.Count).Select(i => (ulong)i).ToArray(), SnapshotEntriesThreshold = SnapshotThreshold, PreVote = PreVote, AppendEntriesMax = Limits.AppendEntriesMax ?? new RaftOptions { Id = 1, Peers = [1] }.AppendEntriesMax });
        var random = SimRandom.Derive(Options.Seed ^ (ulong)node.Incarnation * 7919, $"raft-{node.Id}");
        var sink = new ReplyRoute(this, node.Id);
        var sm = Workload.CreateStateMachine(node.Id);
        node.Disk.OnSubmit = id => OnSubmitted(node, id);
        _groupInFlight[node.Id] = _groupNext[node.Id] = 0;
        try
        {
            node.Start(() => new NodeRuntime(options, random, Network, node.Disk, sm, sink, this, _bugs) { Buggify = _buggify, SnapshotProducer = new SnapshotProduction(this, node) }, sm);
        }
        catch (DurableStateLostException e)
        {
            // Not a disk fault: the runtime compacted its log past what the state machine's store made durable.
            node.Crash();
            Violations.Report("AppliedStateDurable", $"node {node.Id} lost applied state across a restart: {e.Message}", node.Id);
            return;
        }
        catch (InvalidDataException e)
        {
            node.Crash();
            Mark("corrupt", new[] { node.Id }, 0, $"node {node.Id} refuses to start: {e.Message}");
            return;
        }
        Checker.OnStart(node);
        AttachApplication(node); // per-node application hook (SimWorld.Applications.cs)
        Scheduler.After(node.Clock.ToTrueDuration(Options.TickMs), new TickEvent(node.Id, node.Incarnation));
        Mark(node.Incarnation == 1 ? "start" : "restart", new[] { node.Id }, 0, $"incarnation {node.Incarnation}");
        RecordRole(node);
    }

    /// <summary>Client-to-node latency.</summary>
    public long ClientLatency() => _clientRandom.Next(1, 5);
}
