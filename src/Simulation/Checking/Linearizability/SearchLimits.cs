namespace Cairn.Simulation.Checking.Linearizability;

/// <summary>
/// Bounds on one search, so that a pathological partition yields
/// <see cref="SearchVerdict.Unknown"/> instead of running forever. Bounds are counted in steps,
/// not wall-clock time, so a verdict never depends on the machine.
/// </summary>
/// <param name="StepsMax">Steps (one model step or one backtrack each) per partition; default 50 million.</param>
/// <param name="CacheEntriesMax">Memoized (linearized set, state) pairs per partition; default 8 million.</param>
/// <param name="CacheWordsMax">64-bit words of memoized bitsets per partition; default 32 million (256 MiB).</param>
public sealed record SearchLimits(long StepsMax = 50_000_000, int CacheEntriesMax = 8_000_000, long CacheWordsMax = 32_000_000)
{
    /// <summary>The defaults.</summary>
    public static SearchLimits Default { get; } = new();
}

/// <summary>The verdict of one search.</summary>
public enum SearchVerdict
{
    /// <summary>A linearization exists.</summary>
    Linearizable,

    /// <summary>No linearization exists.</summary>
    NotLinearizable,

    /// <summary>A limit of <see cref="SearchLimits"/> was reached first.</summary>
    Unknown,
}

/// <summary>The verdict of one search and what it cost.</summary>
/// <param name="Verdict">The verdict.</param>
/// <param name="Steps">Steps taken.</param>
/// <param name="CacheEntries">Memoized pairs stored.</param>
public readonly record struct SearchOutcome(SearchVerdict Verdict, long Steps, int CacheEntries);
