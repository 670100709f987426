using Cairn.Core.Raft;
using Microsoft.Coyote.Actors;

namespace Cairn.Simulation.Tests.Coyote;

/// <summary>The shape of one Coyote test iteration: cluster size, faults, workload and the planted bug.</summary>
internal sealed record CoyoteCluster
{
    /// <summary>Voting members. Default 3.</summary>
    public int Nodes { get; init; } = 3;

    /// <summary>Clock steps per iteration; each ticks one node. Default 40.</summary>
    public int TicksMax { get; init; } = 40;

    /// <summary>Crash-restarts per iteration. Default 1.</summary>
    public int CrashesMax { get; init; } = 1;

    /// <summary>Whether the network drops and duplicates as well as reorders. Default true.</summary>
    public bool Lossy { get; init; } = true;

    /// <summary>Commands the client gets accepted before it stops. Default 3.</summary>
    public int CommandsMax { get; init; } = 3;

    /// <summary>The planted bug, or <see cref="RaftBugs.None"/>.</summary>
    public RaftBugs Bugs { get; init; } = RaftBugs.None;

    /// <summary>
    /// Small timeouts and one entry per append: elections and partial replication happen often within
    /// a short iteration, which is where the interesting interleavings are.
    /// </summary>
    public RaftOptions OptionsFor(ulong id, IReadOnlyList<ulong> peers) => new()
    {
        Id = id,
        Peers = peers,
        ElectionTicks = 4,
        HeartbeatTicks = 1,
        AppendEntriesMax = 1,
        InflightAppendsMax = 2,
    };

    /// <summary>The test entry point: registers the monitors and creates every actor.</summary>
    public void Start(IActorRuntime runtime)
    {
        runtime.RegisterMonitor<ElectionSafetyMonitor>();
        runtime.RegisterMonitor<CommittedPrefixMonitor>();
        runtime.RegisterMonitor<LeaderCompletenessMonitor>();
        runtime.RegisterMonitor<CommitMonotonicMonitor>();

        var peers = Enumerable.Range(1, Nodes).Select(i => (ulong)i).ToArray();
        var nodeIds = peers.Select(p => runtime.CreateActorId(typeof(RaftNodeActor), $"node-{p}")).ToArray();
        foreach (var p in peers)
            runtime.CreateActor(nodeIds[p - 1], typeof(RaftNodeActor), new NodeSetup(OptionsFor(p, peers), Bugs, new DurableStore(), nodeIds, Lossy));
        var client = runtime.CreateActor(typeof(ClientActor), new ClientSetup(nodeIds, CommandsMax));
        runtime.CreateActor(typeof(ClockActor), new ClockSetup(nodeIds, client, TicksMax, CrashesMax));
    }
}
