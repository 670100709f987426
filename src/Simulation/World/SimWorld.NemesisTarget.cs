using Cairn.Core.Raft;
using Cairn.Simulation.Faults;

namespace Cairn.Simulation.World;

/// <summary>The world as the nemesis sees it (<see cref="INemesisTarget"/>); the other fault operations are in SimWorld.Faults.cs.</summary>
public sealed partial class SimWorld : INemesisTarget
{
    /// <summary>Cluster size; node ids run from 1 to this.</summary>
    public int NodeCount => Nodes.Count;

    /// <inheritdoc />
    void INemesisTarget.Clog(int node, int? peer, long ms)
    {
        var until = Scheduler.Now + ms;
        if (peer is { } to) Network.ClogLink(node, to, until);
        else Network.ClogNode(node, until);
        Mark("clog", new[] { node }, ms, "frames held back");
    }

    /// <inheritdoc />
    SimClock INemesisTarget.ClockOf(int id) => Nodes[id - 1].Clock;

    /// <inheritdoc />
    void INemesisTarget.ClockChanged(int id)
    {
        var clock = Nodes[id - 1].Clock;
        RecordClockChange();
        Mark("clock", new[] { id }, 0, $"n{id} skew {clock.SkewMs:+0;-0}ms drift {clock.DriftPpm}ppm");
    }

    /// <inheritdoc />
    int? INemesisTarget.ActiveLeader() =>
        Nodes.FirstOrDefault(n => n.Up && n.PausedUntil <= Scheduler.Now && n.Raft!.Role == RaftRole.Leader)?.Id;

    /// <inheritdoc />
    bool INemesisTarget.TransferLeadership(int from, int to)
    {
        if (Nodes[from - 1].Runtime!.TransferLeadership((ulong)to) is not null) return false;
        Mark("transfer", new[] { from, to }, 0, $"n{from} hands leadership to n{to}");
        return true;
    }

    /// <inheritdoc />
    void INemesisTarget.ActAfter(long delayMs) => Scheduler.After(delayMs, NemesisEvent.Instance);
}
