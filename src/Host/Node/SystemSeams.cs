using System.Diagnostics;
using Cairn.Core.Determinism;
using Cairn.Core.Runtime;

namespace Cairn.Host.Node;

/// <summary>The host's clock: monotonic milliseconds since the process started.</summary>
internal sealed class MonotonicClock : IClock
{
    private readonly long _start = Stopwatch.GetTimestamp();

    public long NowMs => (long)Stopwatch.GetElapsedTime(_start).TotalMilliseconds;
}

/// <summary>The host's randomness: a System.Random seeded once per process (election timeouts only).</summary>
internal sealed class SeededRandom(int seed) : IRandomSource
{
    private readonly Random _random = new(seed);

    public int Next(int minInclusive, int maxExclusive) => _random.Next(minInclusive, maxExclusive);
}
