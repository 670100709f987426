using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;
using Cairn.Simulation.Engine;

namespace Cairn.Simulation.World;

/// <summary>
/// BUGGIFY-style fault points keyed to what a node just did. Each point is switched on per run from the
/// seed and then fires with a seeded probability, so crashes land at the moments that matter.
/// </summary>
public sealed partial class SimWorld : INodeObserver
{
    private SimRandom _pointRandom = null!;
    private double _crashAfterVoteRate;

    private void ArmFaultPoints()
    {
        _pointRandom = SimRandom.Derive(Options.Seed, "fault-points");
        var enabled = Options.Faults != Faults.FaultMode.None && _pointRandom.Chance(0.5);
        _crashAfterVoteRate = enabled ? 0.2 : 0;
    }

    /// <inheritdoc />
    public void OnReady(ulong node, Ready ready)
    {
        Checker.OnReady(node, ready);
        if (_crashAfterVoteRate > 0 && !Healed && GrantsVote(ready) && _pointRandom.Chance(_crashAfterVoteRate))
            Scheduler.After(_pointRandom.Next(6, 12), new SimEvent(EventKind.Phase, (int)node, 0, PhaseCrashQuickly, 0, null));
    }

    /// <inheritdoc />
    public void OnApplied(ulong node, Entry entry) => Checker.OnApplied(node, entry);

    private static bool GrantsVote(Ready ready)
    {
        foreach (var m in ready.MessagesAfterPersist)
            if (m.Type == MessageType.MsgVoteResponse && !m.Reject) return true;
        return false;
    }
}
