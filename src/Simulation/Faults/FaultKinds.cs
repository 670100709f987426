namespace Cairn.Simulation.Faults;

/// <summary>Every kind of fault the simulator can inject. A run's <see cref="FaultPlan"/> enables a subset.</summary>
[Flags]
public enum FaultKinds
{
    /// <summary>No faults.</summary>
    None = 0,
    /// <summary>Frames are lost.</summary>
    Drop = 1 << 0,
    /// <summary>Frames are delivered twice.</summary>
    Duplicate = 1 << 1,
    /// <summary>A frame is damaged in flight (one bit, several bits, or a burst); the frame checksum must catch it.</summary>
    Corrupt = 1 << 2,
    /// <summary>Long-tail delivery delays (which also reorder frames).</summary>
    Delay = 1 << 3,
    /// <summary>Jepsen partition shapes: halves, isolated node, majorities-ring, bridge, minority-third, one-way.</summary>
    Partition = 1 << 4,
    /// <summary>A node's or link's frames are held back for a while.</summary>
    Clog = 1 << 5,
    /// <summary>A link's bandwidth is limited, so large frames queue.</summary>
    Bandwidth = 1 << 6,
    /// <summary>Processes crash and restart.</summary>
    Crash = 1 << 7,
    /// <summary>Processes pause (GC pause, SIGSTOP) and resume.</summary>
    Pause = 1 << 8,
    /// <summary>Clock skew, drift, and jumps forward and backward.</summary>
    Clock = 1 << 9,
    /// <summary>On a crash, a prefix of the unsynced writes survives, the last possibly torn.</summary>
    TornWrite = 1 << 10,
    /// <summary>Single bits flip in stored records and in reads (on the run's faulty disks, a minority drawn from the seed).</summary>
    BitFlip = 1 << 11,
    /// <summary>An fsync fails; the node must fail-stop.</summary>
    FsyncFail = 1 << 12,
    /// <summary>The disk fills for a while; writes wait, proposals are refused.</summary>
    DiskFull = 1 << 13,
    /// <summary>Disk latency spikes.</summary>
    DiskLatency = 1 << 14,
    /// <summary>BUGGIFY fault points in the core and the runtime.</summary>
    Buggify = 1 << 15,
    /// <summary>Stored records suffer multi-bit, burst and length-word damage, new or latent (faulty disks only).</summary>
    DiskCorrupt = 1 << 16,
    /// <summary>A synced record lands on another record's slot (faulty disks only).</summary>
    MisdirectedWrite = 1 << 17,
    /// <summary>An fsync succeeds but the record never reaches the medium (faulty disks only).</summary>
    LostWrite = 1 << 18,
    /// <summary>Every kind.</summary>
    All = (1 << 19) - 1,
}

/// <summary>Parsing and printing of fault-kind lists (<c>crash,partition</c>).</summary>
public static class FaultKindNames
{
    /// <summary>Every single kind, in declaration order.</summary>
    public static IReadOnlyList<FaultKinds> Singles { get; } =
        Enum.GetValues<FaultKinds>().Where(k => k != FaultKinds.None && k != FaultKinds.All).ToArray();

    /// <summary>The CLI name of a single kind.</summary>
    public static string Name(FaultKinds kind) => kind switch
    {
        FaultKinds.TornWrite => "torn-write",
        FaultKinds.BitFlip => "bit-flip",
        FaultKinds.FsyncFail => "fsync-fail",
        FaultKinds.DiskFull => "disk-full",
        FaultKinds.DiskLatency => "disk-latency",
        FaultKinds.DiskCorrupt => "disk-corrupt",
        FaultKinds.MisdirectedWrite => "misdirected-write",
        FaultKinds.LostWrite => "lost-write",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Comma-separated names of the kinds in <paramref name="kinds"/>.</summary>
    public static string Format(FaultKinds kinds) => string.Join(",", Singles.Where(k => kinds.HasFlag(k)).Select(Name));

    /// <summary>Parses a comma-separated list; throws <see cref="ArgumentException"/> naming the valid kinds.</summary>
    public static FaultKinds Parse(string list)
    {
        var result = FaultKinds.None;
        foreach (var part in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kind = Singles.FirstOrDefault(k => Name(k) == part.ToLowerInvariant());
            if (kind == FaultKinds.None)
                throw new ArgumentException($"unknown fault kind '{part}'; known: {string.Join(", ", Singles.Select(Name))}");
            result |= kind;
        }
        return result;
    }
}
