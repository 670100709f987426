using Cairn.Simulation.Engine;
using Cairn.Simulation.World;

namespace Cairn.Simulation.Faults;

/// <summary>
/// Draws the fault schedule from its own seeded stream and the run's <see cref="FaultPlan"/>: crashes
/// with restarts, Jepsen partition shapes, clogs, bandwidth limits, pauses, clock skew, drift and jumps,
/// failed fsyncs and full disks. Stops at the heal.
/// </summary>
public sealed class Nemesis
{
    /// <summary>The fastest (and slowest) a clock fault makes a node's clock run, in parts per million.</summary>
    public const int ClockDriftMaxPpm = 50_000;

    private readonly SimWorld _world;
    private readonly SimRandom _random;
    private readonly FaultKinds[] _actions;
    private readonly SimRandom _transferRandom;
    private readonly double _transferRate;

    /// <summary>Creates a nemesis acting on <paramref name="world"/> with the world's plan.</summary>
    public Nemesis(SimWorld world, SimRandom random)
    {
        _world = world;
        _random = random;
        var actionKinds = new[] { FaultKinds.Crash, FaultKinds.Partition, FaultKinds.Clog, FaultKinds.Bandwidth, FaultKinds.Pause, FaultKinds.Clock, FaultKinds.FsyncFail, FaultKinds.DiskFull };
        // Crashes and partitions are drawn twice as often as the rest.
        _actions = actionKinds.Where(world.Plan.Has).SelectMany(k => k is FaultKinds.Crash or FaultKinds.Partition ? new[] { k, k } : new[] { k }).ToArray();
        // Leader transfers (thesis §3.10) in half the runs, from their own stream so the fault schedule is unchanged.
        _transferRandom = SimRandom.Derive(world.Options.Seed, "leader-transfer");
        _transferRate = _transferRandom.Chance(0.5) ? TransferRateMax * _transferRandom.Next(1, 11) / 10 : 0;
    }

    /// <summary>Highest per-action chance that the nemesis also asks the leader to hand over leadership.</summary>
    public const double TransferRateMax = 0.3;

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
        if (_world.Healed) return;
        Actions++;
        if (_transferRate > 0 && _transferRandom.Chance(_transferRate)) TransferLeader();
        var node = _random.Next(1, _world.Nodes.Count + 1);
        var kind = _random.Pick(_actions);
        switch (kind)
        {
            case FaultKinds.Crash: _world.CrashNode(node, restartAfterMs: _random.Next(0, 4) == 0 ? _random.Next(1, 100) : _random.Next(200, 5000)); break;
            case FaultKinds.Partition: Partition(); break;
            case FaultKinds.Clog: Clog(node); break;
            case FaultKinds.Bandwidth: _world.LimitBandwidth(node, 1 + (node % _world.Nodes.Count), _random.Next(1, 64), _random.Next(500, 5000)); break;
            case FaultKinds.Pause: _world.PauseNode(node, _random.Next(100, 3000)); break;
            case FaultKinds.Clock: ChangeClock(node); break;
            case FaultKinds.FsyncFail: _world.FailNextSync(node); break;
            case FaultKinds.DiskFull: _world.FillDisk(node, _random.Next(200, 4000)); break;
        }
        ScheduleNext();
    }

    /// <summary>Asks the current leader (if one is up and not paused) to hand leadership to another member.</summary>
    private void TransferLeader()
    {
        var leader = _world.Nodes.FirstOrDefault(n => n.Up && n.PausedUntil <= _world.Scheduler.Now && n.Raft!.Role == Cairn.Core.Raft.RaftRole.Leader);
        if (leader is null || _world.Nodes.Count < 2) return;
        var target = 1 + (leader.Id - 1 + _transferRandom.Next(1, _world.Nodes.Count)) % _world.Nodes.Count;
        if (leader.Runtime!.TransferLeadership((ulong)target) is not null) return;
        Transfers++;
        _world.Mark("transfer", new[] { leader.Id, target }, 0, $"n{leader.Id} hands leadership to n{target}");
    }

    private void Partition()
    {
        var ms = _random.Next(500, 8000);
        var shape = _random.Pick(PartitionShapes.All);
        var name = shape switch { PartitionShape.Isolated => "isolate", PartitionShape.OneWay => "one-way", PartitionShape.MajoritiesRing => "majorities-ring", PartitionShape.MinorityThird => "minority-third", _ => shape.ToString().ToLowerInvariant() };
        _world.Partition(PartitionShapes.Cut(shape, _world.Nodes.Count, _random), ms, name);
    }

    private void Clog(int node)
    {
        var until = _world.Scheduler.Now + _random.Next(100, 2000);
        if (_random.Chance(0.5)) _world.Network.ClogNode(node, until);
        else _world.Network.ClogLink(node, 1 + (node % _world.Nodes.Count), until);
        _world.Mark("clog", new[] { node }, until - _world.Scheduler.Now, "frames held back");
    }

    private void ChangeClock(int node)
    {
        var clock = _world.Nodes[node - 1].Clock;
        switch (_random.Next(0, 3))
        {
            case 0: clock.SkewMs = _random.Next(-2000, 2000); break;
            case 1: clock.DriftPpm = _random.Next(-ClockDriftMaxPpm, ClockDriftMaxPpm); break;
            default: clock.SkewMs += _random.Chance(0.5) ? _random.Next(1000, 60_000) : -_random.Next(1000, 60_000); break; // a jump
        }
        _world.RecordClockChange();
        _world.Mark("clock", new[] { node }, 0, $"n{node} skew {clock.SkewMs:+0;-0}ms drift {clock.DriftPpm}ppm");
    }

    private void ScheduleNext() =>
        _world.Scheduler.After(_random.Next(100, Math.Max(200, _world.Plan.ActionGapMaxMs)), new SimEvent(EventKind.Nemesis, 0, 0, 0, 0, null));
}
