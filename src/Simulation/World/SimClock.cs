using Cairn.Core.Runtime;
using Cairn.Simulation.Engine;

namespace Cairn.Simulation.World;

/// <summary>A node's clock: simulated time plus a skew offset and a drift rate in parts per million.</summary>
public sealed class SimClock : IClock
{
    private readonly Scheduler _scheduler;

    /// <summary>Creates a clock over the scheduler's time.</summary>
    public SimClock(Scheduler scheduler) => _scheduler = scheduler;

    /// <summary>Constant offset from true time, in ms (may be negative).</summary>
    public long SkewMs { get; set; }

    /// <summary>Rate error in parts per million: positive runs fast.</summary>
    public long DriftPpm { get; set; }

    /// <inheritdoc />
    public long NowMs => _scheduler.Now + SkewMs + _scheduler.Now * DriftPpm / 1_000_000;

    /// <summary>True-time duration of <paramref name="localMs"/> on this clock.</summary>
    public long ToTrueDuration(long localMs) => Math.Max(1, localMs * 1_000_000 / (1_000_000 + DriftPpm));
}
