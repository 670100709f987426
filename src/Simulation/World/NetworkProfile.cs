namespace Cairn.Simulation.World;

/// <summary>Rates and delays the simulated network draws from.</summary>
public sealed record NetworkProfile
{
    /// <summary>Smallest one-way delay in ms.</summary>
    public int LatencyMinMs { get; init; } = 1;
    /// <summary>Largest ordinary one-way delay in ms.</summary>
    public int LatencyMaxMs { get; init; } = 5;
    /// <summary>Probability a frame takes a tail delay of up to <see cref="TailLatencyMs"/>.</summary>
    public double TailRate { get; init; }
    /// <summary>Largest tail delay in ms.</summary>
    public int TailLatencyMs { get; init; } = 100;
    /// <summary>Probability a frame is lost.</summary>
    public double DropRate { get; init; }
    /// <summary>Probability a frame is delivered twice.</summary>
    public double DuplicateRate { get; init; }
    /// <summary>Probability a frame has one bit flipped in flight (the checksum must catch it).</summary>
    public double CorruptRate { get; init; }
}
