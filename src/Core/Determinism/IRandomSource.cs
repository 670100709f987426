namespace Cairn.Core.Determinism;

/// <summary>
/// The only source of randomness the core may use. The simulator injects a stream derived from the
/// run's seed; the host injects a process-seeded one. Core code never creates its own.
/// </summary>
public interface IRandomSource
{
    /// <summary>Returns a uniformly distributed integer in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>).</summary>
    int Next(int minInclusive, int maxExclusive);
}
