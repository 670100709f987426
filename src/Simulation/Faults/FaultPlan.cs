using Cairn.Core.Raft;
using Cairn.Simulation.Engine;

namespace Cairn.Simulation.Faults;

/// <summary>
/// The fault mix of one run: which kinds are on and at what rates. Standard runs use fixed rates;
/// swarm runs draw both the kinds and the rates from the seed, so some runs never see some faults
/// (swarm testing finds bugs that an always-everything mix masks); <see cref="SwarmRanges"/> holds the ranges.
/// </summary>
public sealed record FaultPlan
{
    /// <summary>Enabled kinds.</summary>
    public FaultKinds Kinds { get; init; }
    /// <summary>Probability a frame is lost.</summary>
    public double DropRate { get; init; }
    /// <summary>Probability a frame is duplicated.</summary>
    public double DuplicateRate { get; init; }
    /// <summary>Probability a frame has a bit flipped.</summary>
    public double CorruptRate { get; init; }
    /// <summary>Probability of a tail delay.</summary>
    public double TailRate { get; init; }
    /// <summary>Largest ordinary network latency in ms.</summary>
    public int LatencyMaxMs { get; init; } = 5;
    /// <summary>Longest gap between nemesis actions in ms.</summary>
    public int ActionGapMaxMs { get; init; } = 4000;
    /// <summary>Probability a durable record gets a bit flipped when written (bit-flip nodes only).</summary>
    public double WriteFlipRate { get; init; }
    /// <summary>Probability a record read at start-up has a transient bit flip (bit-flip nodes only).</summary>
    public double ReadFlipRate { get; init; }
    /// <summary>Probability a disk sync takes a latency spike.</summary>
    public double DiskSpikeRate { get; init; }
    /// <summary>How many nodes have faulty disks (bit flips, damage, misdirected and lost writes): at most a
    /// minority, so a majority whose disks stay sound remains for the liveness phase.</summary>
    public int BitFlipNodes { get; init; }
    /// <summary>Probability, per synced record on a faulty disk, of multi-bit, burst or length-word damage.</summary>
    public double DamageRate { get; init; }
    /// <summary>Probability a synced record on a faulty disk is misdirected onto another record's slot.</summary>
    public double MisdirectRate { get; init; }
    /// <summary>Probability a synced record on a faulty disk is lost although its fsync succeeded.</summary>
    public double LostWriteRate { get; init; }
    /// <summary>The ids of the faulty disks: <see cref="BitFlipNodes"/> of them, drawn from the seed (any node id).</summary>
    public IReadOnlyList<int> FaultyDisks { get; init; } = Array.Empty<int>();

    /// <summary>The storage-damage kinds, drawn in swarm mode from their own stream so the other draws stay put.</summary>
    public static IReadOnlyList<FaultKinds> StorageDamageKinds { get; } = new[] { FaultKinds.DiskCorrupt, FaultKinds.MisdirectedWrite, FaultKinds.LostWrite };

    /// <summary>True when <paramref name="kind"/> is enabled.</summary>
    public bool Has(FaultKinds kind) => (Kinds & kind) != 0;

    /// <summary>The plan for a mode, seed and cluster size, minus the kinds in <paramref name="without"/>.</summary>
    public static FaultPlan For(FaultMode mode, ulong seed, int nodes, FaultKinds without)
    {
        var plan = mode switch
        {
            FaultMode.None => new FaultPlan(),
            FaultMode.Standard => Standard(nodes),
            _ => Swarm(SimRandom.Derive(seed, "swarm"), SimRandom.Derive(seed, "swarm-storage"), nodes),
        };
        return plan with { Kinds = plan.Kinds & ~without, FaultyDisks = DrawFaultyDisks(seed, nodes, plan.BitFlipNodes) };
    }

    /// <summary>Which nodes' disks are faulty: a seeded shuffle of every id, so any node may be hit.</summary>
    private static int[] DrawFaultyDisks(ulong seed, int nodes, int count)
    {
        var random = SimRandom.Derive(seed, "faulty-disks");
        var ids = Enumerable.Range(1, nodes).ToArray();
        for (var i = ids.Length - 1; i > 0; i--) { var j = random.Next(0, i + 1); (ids[i], ids[j]) = (ids[j], ids[i]); }
        return ids.Take(Math.Min(count, (nodes - 1) / 2)).OrderBy(id => id).ToArray();
    }

    private static FaultPlan Standard(int nodes) => new()
    {
        Kinds = FaultKinds.All,
        DropRate = 0.02, DuplicateRate = 0.01, CorruptRate = 0.002, TailRate = 0.01, LatencyMaxMs = 10,
        ActionGapMaxMs = 4000, WriteFlipRate = 0.0005, ReadFlipRate = 0.01, DiskSpikeRate = 0.002,
        BitFlipNodes = Quorum.MinorityMax(nodes), DamageRate = 0.0005, MisdirectRate = 0.0002, LostWriteRate = 0.0002,
    };

    private static FaultPlan Swarm(SimRandom r, SimRandom storage, int nodes)
    {
        var ranges = SwarmRanges.Default;
        var kinds = FaultKinds.None;
        foreach (var k in FaultKindNames.Singles.Except(StorageDamageKinds))
            if (r.Chance(ranges.KindChance)) kinds |= k;
        foreach (var k in StorageDamageKinds)
            if (storage.Chance(ranges.StorageKindChance)) kinds |= k;
        return new FaultPlan
        {
            Kinds = kinds,
            DropRate = ranges.DropPerMille.Draw(r) / 1000.0,
            DuplicateRate = ranges.DuplicatePerMille.Draw(r) / 1000.0,
            CorruptRate = ranges.CorruptPerMille.Draw(r) / 1000.0,
            TailRate = ranges.TailPerMille.Draw(r) / 1000.0,
            LatencyMaxMs = ranges.LatencyMaxMs.Draw(r),
            ActionGapMaxMs = ranges.ActionGapMaxMs.Draw(r),
            WriteFlipRate = ranges.WriteFlipPer10k.Draw(r) / 10000.0,
            ReadFlipRate = ranges.ReadFlipPerMille.Draw(r) / 1000.0,
            DiskSpikeRate = ranges.DiskSpikePerMille.Draw(r) / 1000.0,
            BitFlipNodes = r.Next(0, Quorum.MinorityMax(nodes) + 1),
            DamageRate = ranges.DamagePer10k.Draw(storage) / 10000.0,
            MisdirectRate = ranges.MisdirectPer10k.Draw(storage) / 10000.0,
            LostWriteRate = ranges.LostWritePer10k.Draw(storage) / 10000.0,
        };
    }
}
