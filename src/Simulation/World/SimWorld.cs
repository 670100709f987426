using Cairn.Core.Raft;
using Cairn.Core.Runtime;
using Cairn.Simulation.Checking;
using Cairn.Simulation.Engine;
using Cairn.Simulation.Faults;
using Cairn.Simulation.Workloads;

namespace Cairn.Simulation.World;

/// <summary>
/// The deterministic world: scheduler, network, disks, clocks, processes, nemesis, workload and
/// checkers, all driven from one seed on one thread.
/// </summary>
public sealed partial class SimWorld
{
    private readonly RaftBugs _bugs;
    private readonly SimRandom _diskRandom;
    private readonly SimRandom _clientRandom;
    private readonly Nemesis? _nemesis;

    /// <summary>Builds the world for <paramref name="options"/>; nothing runs until <see cref="Run"/>.</summary>
    internal SimWorld(RunOptions options, IWorkload workload, RaftBugs bugs)
    {
        Options = options;
        Workload = workload;
        _bugs = bugs;
        Violations = new ViolationLog(() => Scheduler.Now, options.Seed);
        Network = new SimNetwork(Scheduler, SimRandom.Derive(options.Seed, "network"), options.Nodes) { Profile = NetworkFor(options.Faults) };
        _diskRandom = SimRandom.Derive(options.Seed, "disk");
        _clientRandom = SimRandom.Derive(options.Seed, "client-latency");
        var nodes = new List<SimNode>();
        for (var id = 1; id <= options.Nodes; id++) nodes.Add(new SimNode(id, new SimDisk(), new SimClock(Scheduler)));
        Nodes = nodes;
        Checker = new SafetyChecker(Nodes, Violations);
        ArmFaultPoints();
        if (options.Faults != FaultMode.None) _nemesis = new Nemesis(this, SimRandom.Derive(options.Seed, "nemesis"));
    }

    /// <summary>The run's options.</summary>
    public RunOptions Options { get; }
    /// <summary>The event scheduler and simulated clock.</summary>
    public Scheduler Scheduler { get; } = new();
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

    private static NetworkProfile NetworkFor(FaultMode faults) => faults == FaultMode.None
        ? new NetworkProfile { LatencyMinMs = 1, LatencyMaxMs = 5 }
        : new NetworkProfile { LatencyMinMs = 1, LatencyMaxMs = 10, TailRate = 0.01, TailLatencyMs = 200, DropRate = 0.02, DuplicateRate = 0.01 };

    /// <summary>Runs the safety phase, the heal, and the liveness phase; stops at the first violation.</summary>
    public void Run()
    {
        foreach (var node in Nodes) StartNode(node);
        Workload.Start(this);
        _nemesis?.Start();
        Scheduler.After(Options.DurationMs, new SimEvent(EventKind.Phase, 0, 0, PhaseHeal, 0, null));
        var deadline = Options.DurationMs + Options.LivenessBoundMs;
        while (!Violations.Any && Scheduler.TryNext(deadline, out var e))
        {
            Hash.Add(Scheduler.Now);
            Hash.Add(((long)e.Kind << 32) | (uint)e.Node);
            Hash.Add(e.A);
            Dispatch(e);
            if (Healed && Workload.Converged(HealTimeMs)) break;
        }
        if (Violations.Any) return;
        if (!Workload.Converged(HealTimeMs))
            Violations.Report("Liveness", $"no leader committed a new command within {Options.LivenessBoundMs}ms of the final heal at {HealTimeMs}ms");
        else Workload.Finish();
    }

    /// <summary>Writes a line to the trace, when tracing.</summary>
    public void Trace(string what, int node, long detail)
    {
        Options.Trace?.WriteLine($"{Scheduler.Now,8} {what,-10} n{node} {detail}");
    }

    /// <summary>Starts a new incarnation of <paramref name="node"/> from its disk.</summary>
    private void StartNode(SimNode node)
    {
        var options = new RaftOptions { Id = (ulong)node.Id, Peers = Enumerable.Range(1, Nodes.Count).Select(i => (ulong)i).ToArray() };
        var random = SimRandom.Derive(Options.Seed ^ (ulong)node.Incarnation * 7919, $"raft-{node.Id}");
        var sink = new ReplyRoute(Workload, node.Id);
        var sm = Workload.CreateStateMachine();
        node.Disk.OnSubmit = id => ScheduleSync(node, id);
        try
        {
            node.Start(() => new NodeRuntime(options, random, Network, node.Disk, sm, sink, this, _bugs), sm);
        }
        catch (InvalidDataException e)
        {
            Violations.Report("RecoverableDisk", $"node {node.Id} cannot recover its disk: {e.Message}", node.Id);
            return;
        }
        Checker.OnStart(node);
        AttachApplication(node); // per-node application hook (SimWorld.Applications.cs)
        Scheduler.After(node.Clock.ToTrueDuration(Options.TickMs), new SimEvent(EventKind.Tick, node.Id, node.Incarnation, 0, 0, null));
        Trace("start", node.Id, node.Incarnation);
    }

    /// <summary>A disk completes syncs in submission order, each after its own latency.</summary>
    private void ScheduleSync(SimNode node, long writeId)
    {
        var done = Math.Max(Scheduler.Now + _diskRandom.Next(1, 6), node.Disk.BusyUntil);
        node.Disk.BusyUntil = done;
        Trace("submit", node.Id, writeId * 1_000_000 + done);
        Scheduler.After(done - Scheduler.Now, new SimEvent(EventKind.DiskDone, node.Id, node.Incarnation, writeId, 0, null));
    }

    /// <summary>Client-to-node latency.</summary>
    public long ClientLatency() => _clientRandom.Next(1, 5);

    private sealed class ReplyRoute(IWorkload workload, int node) : IClientReplySink
    {
        public void OnReply(ClientReply reply) => workload.OnReply(node, reply);
    }
}
