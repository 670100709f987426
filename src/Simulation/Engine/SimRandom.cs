using Cairn.Core.Determinism;

namespace Cairn.Simulation.Engine;

/// <summary>
/// xoshiro256** seeded through SplitMix64. Each simulator component derives its own stream from the
/// root seed and a stable name, so adding draws in one component never shifts another's.
/// </summary>
public sealed class SimRandom : IRandomSource
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates a stream from a 64-bit seed.</summary>
    public SimRandom(ulong seed)
    {
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    /// <summary>Derives an independent stream for the component called <paramref name="name"/>.</summary>
    public static SimRandom Derive(ulong rootSeed, string name)
    {
        var h = 14695981039346656037UL; // FNV-1a: stable across processes, unlike string.GetHashCode
        foreach (var c in name) { h ^= c; h *= 1099511628211UL; }
        return new SimRandom(rootSeed ^ h);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextULong()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3; _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <inheritdoc />
    public int Next(int minInclusive, int maxExclusive)
    {
        if (maxExclusive <= minInclusive) return minInclusive;
        return minInclusive + (int)(NextULong() % (ulong)(maxExclusive - minInclusive));
    }

    /// <summary>A long in [min, max).</summary>
    public long NextLong(long minInclusive, long maxExclusive) =>
        maxExclusive <= minInclusive ? minInclusive : minInclusive + (long)(NextULong() % (ulong)(maxExclusive - minInclusive));

    /// <summary>True with probability <paramref name="p"/> (computed in integers: 2^-53 resolution).</summary>
    public bool Chance(double p) => p > 0 && (NextULong() >> 11) < (ulong)(p * (1UL << 53));

    /// <summary>Picks one element uniformly.</summary>
    public T Pick<T>(IReadOnlyList<T> items) => items[Next(0, items.Count)];

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
