using Cairn.Simulation.Engine;

namespace Cairn.Simulation.World;

/// <summary>The faults one node's disk suffers, drawn from the run's plan and the disk's own stream.</summary>
public sealed class DiskFaults
{
    /// <summary>A disk without faults.</summary>
    public static DiskFaults None => new() { Random = new SimRandom(0) };

    /// <summary>The disk's random stream.</summary>
    public required SimRandom Random { get; init; }
    /// <summary>On a crash, a prefix of unsynced writes survives and the last may be torn.</summary>
    public bool TornWrites { get; init; }
    /// <summary>Probability a record is stored with a flipped bit.</summary>
    public double WriteFlipRate { get; init; }
    /// <summary>Probability a record read at start-up comes back with a transient flipped bit.</summary>
    public double ReadFlipRate { get; init; }
    /// <summary>Canary: records are parsed without verifying their checksum.</summary>
    public bool SkipChecksum { get; init; }
}
