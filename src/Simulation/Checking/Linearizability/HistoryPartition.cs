namespace Cairn.Simulation.Checking.Linearizability;

/// <summary>A sub-history that can be checked on its own.</summary>
/// <param name="Label">A human-readable name, for example the keys it covers.</param>
/// <param name="Operations">Positions of its operations in the partitioned history, ascending.</param>
public sealed record HistoryPartition(string Label, IReadOnlyList<int> Operations);
