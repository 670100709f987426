namespace Cairn.Simulation.World;

public sealed partial class SimWorld
{
    /// <summary>Kills node <paramref name="id"/> and schedules its restart.</summary>
    public void CrashNode(int id, long restartAfterMs)
    {
        var node = Nodes[id - 1];
        if (node.Runtime is null) return;
        node.Crash();
        Mark("crash", new[] { id }, restartAfterMs, $"restart after {restartAfterMs}ms");
        RecordRole(node);
        Checker.AfterCrash(id);
        Scheduler.After(restartAfterMs, new RestartEvent(id));
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
        Mark("pause", new[] { id }, ms, $"paused {ms}ms");
    }

    /// <summary>Arms node <paramref name="id"/>'s disk so that its next fsync fails.</summary>
    public void FailNextSync(int id)
    {
        Nodes[id - 1].Disk.FailNextSync = true;
        Mark("arm-fsync", new[] { id }, 0, "next fsync will fail");
    }

    /// <summary>Fills node <paramref name="id"/>'s disk for <paramref name="ms"/>.</summary>
    public void FillDisk(int id, long ms)
    {
        var disk = Nodes[id - 1].Disk;
        disk.FullUntil = Math.Max(disk.FullUntil, Scheduler.Now + ms);
        Mark("disk-full", new[] { id }, ms, $"disk full for {ms}ms");
    }

    /// <summary>Limits the link from → to for <paramref name="ms"/>.</summary>
    public void LimitBandwidth(int from, int to, int bytesPerMs, long ms)
    {
        Network.LimitBandwidth(from, to, bytesPerMs);
        Mark("bandwidth", new[] { from, to }, ms, $"link {from}->{to} limited to {bytesPerMs} bytes/ms");
        Scheduler.After(ms, new UnlimitEvent(from, to));
    }

    /// <summary>Cuts the given one-way links for <paramref name="ms"/>.</summary>
    public void Partition(List<(int From, int To)> links, long ms, string shape)
    {
        foreach (var (from, to) in links) Network.SetBlocked(from, to, true);
        var nodes = links.SelectMany(l => new[] { l.From, l.To }).Distinct().OrderBy(n => n).ToArray();
        Mark(shape, nodes, ms, $"{shape}: cut {string.Join(" ", links.Select(l => $"{l.From}->{l.To}"))}");
        Scheduler.After(ms, new UnblockEvent(links));
    }
}
