using Cairn.Simulation.Engine;

namespace Cairn.Simulation.Faults;

/// <summary>
/// The sizes, intervals and chances of the nemesis' actions (the fault plan decides which kinds are on).
/// The defaults are the values every recorded seed ran with: changing one changes the fault schedule, and so
/// the trace hash, of every seed. Ranges are half-open (<see cref="DrawRange"/>); durations are simulated ms.
/// </summary>
public sealed record NemesisOptions
{
    /// <summary>The options every run uses.</summary>
    public static NemesisOptions Default { get; } = new();

    /// <summary>The shortest gap between two actions.</summary>
    public int ActionGapMinMs { get; init; } = 100;

    /// <summary>The gap is drawn below the plan's <see cref="FaultPlan.ActionGapMaxMs"/>, but never below this bound.</summary>
    public int ActionGapMaxFloorMs { get; init; } = 200;

    /// <summary>How many times as often as any other kind crashes and partitions are drawn.</summary>
    public int CrashAndPartitionWeight { get; init; } = 2;

    /// <summary>One crash in this many restarts quickly (<see cref="QuickRestartMs"/>), the rest slowly.</summary>
    public int QuickRestartOneIn { get; init; } = 4;

    /// <summary>How long a quickly restarting node stays down.</summary>
    public DrawRange QuickRestartMs { get; init; } = new(1, 100);

    /// <summary>How long a slowly restarting node stays down.</summary>
    public DrawRange SlowRestartMs { get; init; } = new(200, 5000);

    /// <summary>How long a partition lasts.</summary>
    public DrawRange PartitionMs { get; init; } = new(500, 8000);

    /// <summary>How long a clog holds frames back.</summary>
    public DrawRange ClogMs { get; init; } = new(100, 2000);

    /// <summary>Chance that a clog holds back all of a node's frames rather than one link's.</summary>
    public double ClogWholeNodeChance { get; init; } = 0.5;

    /// <summary>The bandwidth a limited link keeps, in bytes per ms.</summary>
    public DrawRange BandwidthBytesPerMs { get; init; } = new(1, 64);

    /// <summary>How long a bandwidth limit lasts.</summary>
    public DrawRange BandwidthLimitMs { get; init; } = new(500, 5000);

    /// <summary>How long a process pause (GC pause, SIGSTOP) lasts.</summary>
    public DrawRange PauseMs { get; init; } = new(100, 3000);

    /// <summary>How long a disk stays full.</summary>
    public DrawRange DiskFullMs { get; init; } = new(200, 4000);

    /// <summary>The clock skew a clock fault sets.</summary>
    public DrawRange ClockSkewMs { get; init; } = new(-2000, 2000);

    /// <summary>The fastest (and slowest) a clock fault makes a node's clock run, in parts per million;
    /// drift is drawn from [-this, this).</summary>
    public int ClockDriftMaxPpm { get; init; } = 50_000;

    /// <summary>How far a clock jump moves a node's clock.</summary>
    public DrawRange ClockJumpMs { get; init; } = new(1000, 60_000);

    /// <summary>Chance that a clock jump goes forward rather than back.</summary>
    public double ClockJumpForwardChance { get; init; } = 0.5;

    /// <summary>Chance that a run has leader transfers (thesis §3.10) at all.</summary>
    public double TransferRunChance { get; init; } = 0.5;

    /// <summary>Highest per-action chance that the nemesis also asks the leader to hand over leadership.</summary>
    public double TransferRateMax { get; init; } = 0.3;

    /// <summary>A run with transfers draws its rate as one of this many equal steps up to <see cref="TransferRateMax"/>.</summary>
    public int TransferRateSteps { get; init; } = 10;
}
