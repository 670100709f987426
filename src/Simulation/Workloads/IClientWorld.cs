using Cairn.Simulation.Checking;

namespace Cairn.Simulation.Workloads;

/// <summary>
/// The world as a workload's clients see it: the time, the run's options and phase, sending a request to a node,
/// waking a client later, and the logs a workload reports into. Nothing else of the world is theirs to touch.
/// </summary>
public interface IClientWorld
{
    /// <summary>The run's options (client count, think time, duration).</summary>
    RunOptions Options { get; }

    /// <summary>Cluster size; node ids run from 1 to this.</summary>
    int NodeCount { get; }

    /// <summary>Simulated milliseconds.</summary>
    long Now { get; }

    /// <summary>True after the final heal.</summary>
    bool Healed { get; }

    /// <summary>Simulated time of the final heal.</summary>
    long HealTimeMs { get; }

    /// <summary>True when the run records a report timeline, so the workload should keep its operations for it.</summary>
    bool RecordsTimeline { get; }

    /// <summary>Violations found; a workload's end-of-run checks report here.</summary>
    ViolationLog Violations { get; }

    /// <summary>The largest drift the run's clock faults may give a node's clock, in parts per million (0 without clock faults).</summary>
    long ClockDriftMaxPpm { get; }

    /// <summary>Clock changes (skew, drift or jump of some node) in [<paramref name="fromMs"/>, <paramref name="toMs"/>].</summary>
    int ClockChangesBetween(long fromMs, long toMs);

    /// <summary>Draws one client-to-node latency from the run's client stream.</summary>
    long ClientLatency();

    /// <summary>Delivers <paramref name="request"/> to node <paramref name="node"/> after <paramref name="delayMs"/>.</summary>
    /// <param name="delayMs">The delay, usually <see cref="ClientLatency"/>.</param>
    /// <param name="node">The node.</param>
    /// <param name="client">The sending client's index; null for a watch stream's calls.</param>
    /// <param name="request">The request.</param>
    void SubmitToNode(long delayMs, int node, int? client, ISimRequest request);

    /// <summary>Wakes client <paramref name="client"/> after <paramref name="delayMs"/> through <see cref="IWorkload.OnWake"/>.</summary>
    void WakeClient(long delayMs, int client, long token, object? message);

    /// <summary>Checks a register client's acknowledged command against the committed log at <paramref name="index"/>.</summary>
    void OnAcknowledged(int client, ulong index, ulong payloadDigest);

    /// <summary>Writes a line to the trace, when tracing.</summary>
    void Trace(string what, int node, long detail);
}
