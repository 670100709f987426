using Cairn.Simulation.Faults;
using Cairn.Simulation.Workloads;

namespace Cairn.Simulation.World;

/// <summary>The world as a workload's clients see it (<see cref="IClientWorld"/>).</summary>
public sealed partial class SimWorld : IClientWorld
{
    /// <inheritdoc />
    long IClientWorld.Now => Scheduler.Now;

    /// <inheritdoc />
    bool IClientWorld.RecordsTimeline => Timeline is not null;

    /// <inheritdoc />
    long IClientWorld.ClockDriftMaxPpm => Plan.Has(FaultKinds.Clock) ? NemesisOptions.ClockDriftMaxPpm : 0;

    /// <inheritdoc />
    void IClientWorld.SubmitToNode(long delayMs, int node, int? client, ISimRequest request) =>
        Scheduler.After(delayMs, new ClientRequestEvent(node, client, request));

    /// <inheritdoc />
    void IClientWorld.WakeClient(long delayMs, int client, long token, object? message) =>
        Scheduler.After(delayMs, new ClientWakeEvent(client, token, message));

    /// <inheritdoc />
    void IClientWorld.OnAcknowledged(int client, ulong index, ulong payloadDigest) => Checker.OnAcknowledged(client, index, payloadDigest);
}
