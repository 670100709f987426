using Cairn.Simulation.History;

namespace Cairn.Simulation.Workloads;

/// <summary>A workload that records a client history (docs/history-format.md), exported by <c>run --history</c>.</summary>
public interface IHistoryWorkload
{
    /// <summary>The recorded events in the order they happened.</summary>
    IReadOnlyList<HistoryEvent> HistoryEvents { get; }
}
