using Cairn.Core.Runtime;
using Cairn.Core.StateMachine;
using Cairn.Simulation.World;

namespace Cairn.Simulation.Workloads;

/// <summary>A request in flight from a simulated client to a node.</summary>
public interface ISimRequest
{
    /// <summary>Hands the request to the node's runtime.</summary>
    void Deliver(SimNode node);
}

/// <summary>
/// Simulated clients and the state machine they drive (FoundationDB's workload: setup, start, check).
/// </summary>
public interface IWorkload
{
    /// <summary>The workload's name for the CLI.</summary>
    string Name { get; }

    /// <summary>A fresh state machine for a starting node.</summary>
    IStateMachine CreateStateMachine();

    /// <summary>The state machine for an incarnation of node <paramref name="node"/>: a workload whose state
    /// machines keep a durable store hands the new incarnation the store its last one committed.</summary>
    IStateMachine CreateStateMachine(int node) => CreateStateMachine();

    /// <summary>Schedules the clients' first actions.</summary>
    void Start(IClientWorld world);

    /// <summary>A node answered a client (called synchronously inside the node's processing).</summary>
    void OnReply(int node, ClientReply reply);

    /// <summary>A client's timer fired or its reply arrived.</summary>
    void OnWake(int client, long token, object? payload);

    /// <summary>True once every client finished its work after <paramref name="healTimeMs"/> (no operation pending)
    /// and at least one operation issued after the heal was acknowledged.</summary>
    bool Converged(long healTimeMs);

    /// <summary>End-of-run checks; report violations to the world's log.</summary>
    void Finish();

    /// <summary>Adds the client operations (and any checker sections) to a report timeline.</summary>
    void Describe(Reporting.Timeline timeline);

    /// <summary>Acknowledged operations so far.</summary>
    long Acknowledged { get; }
}
