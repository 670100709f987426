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
    /// <summary>Probability a record is stored with one flipped bit (anywhere, the header included).</summary>
    public double WriteFlipRate { get; init; }
    /// <summary>Probability a record read at start-up comes back with a transient flipped bit.</summary>
    public double ReadFlipRate { get; init; }
    /// <summary>Probability, per synced record, of damage a payload checksum alone cannot classify: several
    /// bits, a burst of garbage bytes, or the length word. It hits the new record or, as latent rot, an older one.</summary>
    public double DamageRate { get; init; }
    /// <summary>Probability a synced record lands on an older record's slot; its own slot is left unwritten.</summary>
    public double MisdirectRate { get; init; }
    /// <summary>Probability a synced record never reaches the medium although its fsync succeeded.</summary>
    public double LostWriteRate { get; init; }
    /// <summary>Canary: records are parsed without verifying their checksum.</summary>
    public bool SkipChecksum { get; init; }
    /// <summary>Canary: a record whose length word disagrees with its size is taken for a torn tail and the log is
    /// truncated there, wherever it lies and whatever the sync watermark says.</summary>
    public bool CorruptLengthAsTornTail { get; init; }
    /// <summary>Canary: an unwritten (all-zero) slot is taken for the end of the log, whatever the sync watermark says.</summary>
    public bool HoleAsEndOfLog { get; init; }

    /// <summary>True when this disk may damage what it stores (it is one of the run's faulty disks).</summary>
    public bool Damaging => WriteFlipRate > 0 || DamageRate > 0 || MisdirectRate > 0 || LostWriteRate > 0;
}
