using Cairn.Simulation.Engine;

namespace Cairn.Simulation.Faults;

/// <summary>
/// Where a swarm run draws its fault mix from (<see cref="FaultPlan"/>): the chance each kind is on, and the
/// range of each rate. Rates are drawn as whole numbers and divided (per mille, or per ten thousand, as named),
/// so the defaults, which every recorded swarm seed ran with, keep their exact draws.
/// </summary>
public sealed record SwarmRanges
{
    /// <summary>The ranges every swarm run uses.</summary>
    public static SwarmRanges Default { get; } = new();

    /// <summary>Chance that each fault kind other than storage damage is on.</summary>
    public double KindChance { get; init; } = 0.6;

    /// <summary>Chance that each storage-damage kind is on (drawn from its own stream).</summary>
    public double StorageKindChance { get; init; } = 0.5;

    /// <summary>Frame loss rate, per mille.</summary>
    public DrawRange DropPerMille { get; init; } = new(0, 150);

    /// <summary>Frame duplication rate, per mille.</summary>
    public DrawRange DuplicatePerMille { get; init; } = new(0, 60);

    /// <summary>Frame bit-flip rate, per mille.</summary>
    public DrawRange CorruptPerMille { get; init; } = new(0, 30);

    /// <summary>Tail-delay rate, per mille.</summary>
    public DrawRange TailPerMille { get; init; } = new(0, 100);

    /// <summary>Largest ordinary network latency, in ms.</summary>
    public DrawRange LatencyMaxMs { get; init; } = new(2, 40);

    /// <summary>Longest gap between nemesis actions, in ms.</summary>
    public DrawRange ActionGapMaxMs { get; init; } = new(300, 8000);

    /// <summary>Write bit-flip rate on faulty disks, per ten thousand.</summary>
    public DrawRange WriteFlipPer10k { get; init; } = new(0, 50);

    /// <summary>Transient read bit-flip rate on faulty disks, per mille.</summary>
    public DrawRange ReadFlipPerMille { get; init; } = new(0, 100);

    /// <summary>Disk latency-spike rate, per mille.</summary>
    public DrawRange DiskSpikePerMille { get; init; } = new(0, 50);

    /// <summary>Record damage rate on faulty disks, per ten thousand.</summary>
    public DrawRange DamagePer10k { get; init; } = new(0, 50);

    /// <summary>Misdirected-write rate on faulty disks, per ten thousand.</summary>
    public DrawRange MisdirectPer10k { get; init; } = new(0, 20);

    /// <summary>Lost-write rate on faulty disks, per ten thousand.</summary>
    public DrawRange LostWritePer10k { get; init; } = new(0, 20);
}
