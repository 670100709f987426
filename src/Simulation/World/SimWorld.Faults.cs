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

    /// <summary>Cuts node <paramref name="id"/> off from every other node for <paramref name="ms"/>.</summary>
    public void Isolate(int id, long ms)
    {
        var cut = new List<(int, int)>();
        foreach (var other in Nodes)
            if (other.Id != id) { cut.Add((id, other.Id)); cut.Add((other.Id, id)); }
        Block(cut, ms, "isolate");
    }

    /// <summary>Splits the cluster into two random halves for <paramref name="ms"/>.</summary>
    public void PartitionHalves(SimRandom random, long ms)
    {
        var ids = Nodes.Select(n => n.Id).ToList();
        for (var i = ids.Count - 1; i > 0; i--) { var j = random.Next(0, i + 1); (ids[i], ids[j]) = (ids[j], ids[i]); }
        var half = ids.Count / 2;
        var cut = new List<(int, int)>();
        for (var i = 0; i < half; i++)
            for (var j = half; j < ids.Count; j++) { cut.Add((ids[i], ids[j])); cut.Add((ids[j], ids[i])); }
        Block(cut, ms, "halves");
    }

    /// <summary>Cuts only the link from → to for <paramref name="ms"/>.</summary>
    public void CutOneWay(int from, int to, long ms) => Block(new List<(int, int)> { (from, to) }, ms, "one-way");

    private void Block(List<(int, int)> links, long ms, string shape)
    {
        foreach (var (from, to) in links) Network.SetBlocked(from, to, true);
        Trace(shape, links.Count > 0 ? links[0].Item1 : 0, ms);
        Scheduler.After(ms, new SimEvent(EventKind.Phase, 0, 0, PhaseUnblock, links.Count, links));
    }
}
