using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;
using Cairn.Simulation.Engine;
using Cairn.Simulation.Faults;

namespace Cairn.Simulation.World;

/// <summary>
/// BUGGIFY-style fault points. Each point is switched on per run from the seed, and then fires with a
/// probability also drawn per run, so different seeds push the code into different corners.
/// </summary>
public sealed partial class SimWorld : INodeObserver
{
    /// <summary>Probability that a given fault point is switched on for a run.</summary>
    public const double PointEnabledRate = 0.25;

    private SimRandom _pointRandom = null!;
    private Buggify _buggify = Buggify.Off;
    private readonly double[] _pointRates = new double[Enum.GetValues<FaultPoint>().Length];
    private double _crashAfterVoteRate;

    /// <summary>The fault points switched on for this run, with their firing probability.</summary>
    public IEnumerable<(string Point, double Rate)> ArmedPoints()
    {
        foreach (var p in Enum.GetValues<FaultPoint>())
            if (_pointRates[(int)p] > 0) yield return (p.ToString(), _pointRates[(int)p]);
        if (_crashAfterVoteRate > 0) yield return ("CrashAfterVote", _crashAfterVoteRate);
    }

    private void ArmFaultPoints()
    {
        _pointRandom = SimRandom.Derive(Options.Seed, "fault-points");
        var on = Plan.Has(FaultKinds.Buggify);
        foreach (var p in Enum.GetValues<FaultPoint>())
            _pointRates[(int)p] = on && _pointRandom.Chance(PointEnabledRate) ? _pointRandom.Next(1, 30) / 100.0 : 0;
        _crashAfterVoteRate = on && Plan.Has(FaultKinds.Crash) && _pointRandom.Chance(0.5) ? 0.2 : 0;
        _buggify = new Buggify(point => _pointRates[(int)point] > 0 && !Healed && _pointRandom.Chance(_pointRates[(int)point]));
    }

    /// <inheritdoc />
    public void OnReady(ulong node, Ready ready)
    {
        Checker.OnReady(node, ready);
        if (_crashAfterVoteRate > 0 && !Healed && GrantsVote(ready) && _pointRandom.Chance(_crashAfterVoteRate))
            Scheduler.After(_pointRandom.Next(6, 12), new SimEvent(EventKind.Phase, (int)node, 0, PhaseCrashQuickly, 0, null));
    }

    /// <inheritdoc />
    public void OnSent(ulong node, Message message) => Checker.OnSent(node, message);

    /// <inheritdoc />
    public void OnApplied(ulong node, Entry entry) => Checker.OnApplied(node, entry);

    private static bool GrantsVote(Ready ready)
    {
        foreach (var m in ready.MessagesAfterPersist)
            if (m.Type == MessageType.MsgVoteResponse && !m.Reject) return true;
        return false;
    }
}
