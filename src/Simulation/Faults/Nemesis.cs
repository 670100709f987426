using Cairn.Simulation.Engine;

namespace Cairn.Simulation.Faults;

/// <summary>
/// Draws the fault schedule from its own seeded stream, the run's <see cref="FaultPlan"/> and the
/// <see cref="NemesisOptions"/>: crashes with restarts, Jepsen partition shapes, clogs, bandwidth limits,
/// pauses, clock skew, drift and jumps, failed fsyncs and full disks. Stops at the heal.
/// </summary>
internal sealed class Nemesis
{
    private readonly INemesisTarget _target;
    private readonly FaultPlan _plan;
    private readonly NemesisOptions _options;
    private readonly SimRandom _random;
    private readonly FaultKinds[] _actions;
    private readonly SimRandom _transferRandom;
    private readonly double _transferRate;

    /// <summary>Creates a nemesis acting on <paramref name="target"/> with <paramref name="plan"/>'s kinds.</summary>
    public Nemesis(INemesisTarget target, FaultPlan plan, NemesisOptions options, ulong seed)
    {
        _target = target;
        _plan = plan;
        _options = options;
        _random = SimRandom.Derive(seed, "nemesis");
        var actionKinds = new[] { FaultKinds.Crash, FaultKinds.Partition, FaultKinds.Clog, FaultKinds.Bandwidth, FaultKinds.Pause, FaultKinds.Clock, FaultKinds.FsyncFail, FaultKinds.DiskFull };
        _actions = actionKinds.Where(plan.Has)
            .SelectMany(k => Enumerable.Repeat(k, k is FaultKinds.Crash or FaultKinds.Partition ? options.CrashAndPartitionWeight : 1)).ToArray();
        // Leader transfers (thesis §3.10) in some runs, from their own stream so the fault schedule is unchanged.
        _transferRandom = SimRandom.Derive(seed, "leader-transfer");
        _transferRate = _transferRandom.Chance(options.TransferRunChance)
            ? options.TransferRateMax * _transferRandom.Next(1, options.TransferRateSteps + 1) / options.TransferRateSteps
            : 0;
    }

    /// <summary>Leader transfers the nemesis started.</summary>
    public int Transfers { get; private set; }

    /// <summary>Fault actions taken so far.</summary>
    public int Actions { get; private set; }

    /// <summary>Schedules the first action, if the plan has any action kind.</summary>
    public void Start()
    {
        if (_actions.Length > 0) ScheduleNext();
    }

    /// <summary>Takes one fault action and schedules the next, until the heal.</summary>
    public void Act()
    {
        if (_target.Healed) return;
        Actions++;
        if (_transferRate > 0 && _transferRandom.Chance(_transferRate)) TransferLeader();
        var node = _random.Next(1, _target.NodeCount + 1);
        var o = _options;
        switch (_random.Pick(_actions))
        {
            case FaultKinds.Crash: _target.CrashNode(node, restartAfterMs: RestartDelay()); break;
            case FaultKinds.Partition: Partition(); break;
            case FaultKinds.Clog: Clog(node); break;
            case FaultKinds.Bandwidth: _target.LimitBandwidth(node, Next(node), o.BandwidthBytesPerMs.Draw(_random), o.BandwidthLimitMs.Draw(_random)); break;
            case FaultKinds.Pause: _target.PauseNode(node, o.PauseMs.Draw(_random)); break;
            case FaultKinds.Clock: ChangeClock(node); break;
            case FaultKinds.FsyncFail: _target.FailNextSync(node); break;
            case FaultKinds.DiskFull: _target.FillDisk(node, o.DiskFullMs.Draw(_random)); break;
        }
        ScheduleNext();
    }

    /// <summary>The node after <paramref name="node"/>, cyclically.</summary>
    private int Next(int node) => 1 + (node % _target.NodeCount);

    private int RestartDelay() => _random.Next(0, _options.QuickRestartOneIn) == 0
        ? _options.QuickRestartMs.Draw(_random)
        : _options.SlowRestartMs.Draw(_random);

    /// <summary>Asks the current leader (if one is up and not paused) to hand leadership to another member.</summary>
    private void TransferLeader()
    {
        if (_target.ActiveLeader() is not { } leader || _target.NodeCount < 2) return;
        var to = 1 + (leader - 1 + _transferRandom.Next(1, _target.NodeCount)) % _target.NodeCount;
        if (_target.TransferLeadership(leader, to)) Transfers++;
    }

    private void Partition()
    {
        var ms = _options.PartitionMs.Draw(_random);
        var shape = _random.Pick(PartitionShapes.All);
        var name = shape switch { PartitionShape.Isolated => "isolate", PartitionShape.OneWay => "one-way", PartitionShape.MajoritiesRing => "majorities-ring", PartitionShape.MinorityThird => "minority-third", _ => shape.ToString().ToLowerInvariant() };
        _target.Partition(PartitionShapes.Cut(shape, _target.NodeCount, _random), ms, name);
    }

    private void Clog(int node)
    {
        var ms = _options.ClogMs.Draw(_random);
        var wholeNode = _random.Chance(_options.ClogWholeNodeChance);
        _target.Clog(node, wholeNode ? null : Next(node), ms);
    }

    private void ChangeClock(int node)
    {
        var clock = _target.ClockOf(node);
        var o = _options;
        switch (_random.Next(0, 3))
        {
            case 0: clock.SkewMs = o.ClockSkewMs.Draw(_random); break;
            case 1: clock.DriftPpm = _random.Next(-o.ClockDriftMaxPpm, o.ClockDriftMaxPpm); break;
            default: clock.SkewMs += _random.Chance(o.ClockJumpForwardChance) ? o.ClockJumpMs.Draw(_random) : -o.ClockJumpMs.Draw(_random); break; // a jump
        }
        _target.ClockChanged(node);
    }

    private void ScheduleNext() =>
        _target.ActAfter(_random.Next(_options.ActionGapMinMs, Math.Max(_options.ActionGapMaxFloorMs, _plan.ActionGapMaxMs)));
}
