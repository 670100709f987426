using System.Globalization;

namespace Cairn.Simulation.Cli;

/// <summary>An inclusive seed range <c>A..B</c> (or one seed), bounded in length.</summary>
internal static class SeedRange
{
    /// <summary>Most seeds one sweep may run; shard larger ranges over several invocations.</summary>
    public const ulong SeedsMax = 1_000_000;

    /// <summary>Parses <c>A..B</c> with A ≤ B and at most <see cref="SeedsMax"/> seeds; throws <see cref="ArgumentException"/>.</summary>
    public static (ulong From, ulong To) Parse(string text)
    {
        var parts = text.Split("..");
        if (parts.Length is not (1 or 2)
            || !ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
            || !ulong.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var to))
            throw new ArgumentException($"bad seed range '{text}': use A..B with 0 <= A <= B");
        if (from > to) throw new ArgumentException($"bad seed range '{text}': A must not exceed B");
        if (to - from >= SeedsMax) throw new ArgumentException($"seed range '{text}' has more than {SeedsMax:N0} seeds; split it with --shard or smaller ranges");
        return (from, to);
    }
}
