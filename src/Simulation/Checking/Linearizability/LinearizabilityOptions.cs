namespace Cairn.Simulation.Checking.Linearizability;

/// <summary>Options of a linearizability check, with documented defaults.</summary>
public sealed record LinearizabilityOptions
{
    /// <summary>The defaults.</summary>
    public static LinearizabilityOptions Default { get; } = new();

    /// <summary>Bounds on each partition's search. Default: <see cref="SearchLimits.Default"/>.</summary>
    public SearchLimits Search { get; init; } = SearchLimits.Default;

    /// <summary>Searches spent shrinking a failing partition to a small counterexample. Default 400; 0 disables shrinking.</summary>
    public int ShrinkAttemptsMax { get; init; } = 400;
}
