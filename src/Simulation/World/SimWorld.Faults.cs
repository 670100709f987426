using Cairn.Simulation.Engine;

namespace Cairn.Simulation.World;

public sealed partial class SimWorld
{
    /// <summary>Kills node <paramref name="id"/> and schedules its restart.</summary>
    public void CrashNode(int id, long restartAfterMs)
    {
        var node = Nodes[id - 1];
        if (node.Runtime is null) return;
        node.Crash();
        Trace("crash", id, restartAfterMs);
        Checker.AfterCrash(id);
        Scheduler.After(restartAfterMs, new SimEvent(EventKind.Restart, id, 0, 0, 0, null));
    }

    private void RestartNode(int id)
    {
        var node = Nodes[id - 1];
        if (node.Runtime is not null && !node.Runtime.Stopped) return;
        if (node.Runtime is not null) node.Crash();
        StartNode(node);
    }

    /// <summary>Pauses node <paramref name="id"/> (a GC pause or SIGSTOP) for <paramref name="ms"/>.</summary>
    public void PauseNode(int id, long ms)
    {
        var node = Nodes[id - 1];
        if (node.Runtime is null) return;
        node.PausedUntil = Math.Max(node.PausedUntil, Scheduler.Now + ms);
        Trace("pause", id, ms);
    }

    /// <summary>Arms node <paramref name="id"/>'s disk so that its next fsync fails.</summary>
    public void FailNextSync(int id)
    {
        Nodes[id - 1].Disk.FailNextSync = true;
        Trace("arm-fsync", id, 0);
    }

    /// <summary>Fills node <paramref name="id"/>'s disk for <paramref name="ms"/>.</summary>
    public void FillDisk(int id, long ms)
    {
        var disk = Nodes[id - 1].Disk;
        disk.FullUntil = Math.Max(disk.FullUntil, Scheduler.Now + ms);
        Trace("disk-full", id, ms);
    }

    /// <summary>Limits the link from → to for <paramref name="ms"/>.</summary>
    public void LimitBandwidth(int from, int to, int bytesPerMs, long ms)
    {
        Network.LimitBandwidth(from, to, bytesPerMs);
        Trace("bandwidth", from, bytesPerMs);
        Scheduler.After(ms, new SimEvent(EventKind.Phase, from, 0, PhaseUnlimit, to, null));
    }

    /// <summary>Cuts the given one-way links for <paramref name="ms"/>.</summary>
    public void Partition(List<(int From, int To)> links, long ms, string shape)
    {
        foreach (var (from, to) in links) Network.SetBlocked(from, to, true);
        Trace(shape, links.Count > 0 ? links[0].From : 0, ms);
        Scheduler.After(ms, new SimEvent(EventKind.Phase, 0, 0, PhaseUnblock, links.Count, links));
    }
}
