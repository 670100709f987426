using Cairn.Simulation.Engine;
using Cairn.Simulation.World;

namespace Cairn.Simulation.Faults;

/// <summary>
/// Draws the fault schedule from its own seeded stream: crashes with restarts, partitions (one node
/// isolated, random halves, one-way cuts), clogged nodes and links, process pauses and clock skew.
/// Stops at the heal, after which the world restores everything.
/// </summary>
public sealed class Nemesis
{
    /// <summary>Longest gap between two fault actions, in ms.</summary>
    public const int ActionGapMaxMs = 4000;

    private readonly SimWorld _world;
    private readonly SimRandom _random;

    /// <summary>Creates a nemesis acting on <paramref name="world"/>.</summary>
    public Nemesis(SimWorld world, SimRandom random)
    {
        _world = world;
        _random = random;
    }

    /// <summary>Fault actions taken so far.</summary>
    public int Actions { get; private set; }

    /// <summary>Schedules the first action.</summary>
    public void Start() => ScheduleNext();

    /// <summary>Takes one fault action and schedules the next, until the heal.</summary>
    public void Act()
    {
        if (_world.Healed) return;
        Actions++;
        var n = _world.Nodes.Count;
        var node = _random.Next(1, n + 1);
        switch (_random.Next(0, 8))
        {
            case 0:
            case 1:
                _world.CrashNode(node, restartAfterMs: _random.Next(200, 5000));
                break;
            case 2:
                _world.Isolate(node, _random.Next(500, 8000));
                break;
            case 3:
                _world.PartitionHalves(_random, _random.Next(500, 8000));
                break;
            case 4:
                var other = 1 + (node % n);
                _world.CutOneWay(node, other, _random.Next(500, 5000));
                break;
            case 5:
                _world.Network.ClogNode(node, _world.Scheduler.Now + _random.Next(100, 2000));
                break;
            case 6:
                _world.PauseNode(node, _random.Next(100, 3000));
                break;
            default:
                var clock = _world.Nodes[node - 1].Clock;
                clock.SkewMs = _random.Next(-2000, 2000);
                clock.DriftPpm = _random.Next(-50_000, 50_000);
                break;
        }
        _world.Trace("nemesis", node, Actions);
        ScheduleNext();
    }

    private void ScheduleNext() =>
        _world.Scheduler.After(_random.Next(200, ActionGapMaxMs), new SimEvent(EventKind.Nemesis, 0, 0, 0, 0, null));
}
