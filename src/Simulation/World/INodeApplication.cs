namespace Cairn.Simulation.World;

/// <summary>
/// Per-node application glue above the node runtime (for example the KV service of the <c>kv</c>
/// workload). One is created for every incarnation of a node; the world ticks it in place of the bare
/// runtime, so it can run node-local timers (the leader's lessor) on the node's own clock.
/// </summary>
public interface INodeApplication
{
    /// <summary>One local tick: must tick the node's runtime exactly once.</summary>
    void Tick();
}

/// <summary>Implemented by a workload that runs an application on every node.</summary>
public interface INodeApplicationFactory
{
    /// <summary>Called right after <paramref name="node"/> started a new incarnation (its runtime and
    /// state machine are set); returns its application, or null for a bare runtime.</summary>
    INodeApplication? CreateApplication(SimNode node);
}
