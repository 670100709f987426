using Cairn.Simulation.Engine;
using Cairn.Simulation.Workloads;

namespace Cairn.Simulation.World;

public sealed partial class SimWorld
{
    private const long PhaseHeal = 1;
    private const long PhaseUnblock = 2;
    private const long PhaseCrashQuickly = 3;
    private const long PhaseUnlimit = 4;

    private void Dispatch(in SimEvent e)
    {
        switch (e.Kind)
        {
            case EventKind.Nemesis: _nemesis?.Act(); return;
            case EventKind.Phase: OnPhase(e); return;
            case EventKind.Restart: RestartNode(e.Node); return;
            case EventKind.ClientWake: Workload.OnWake(e.Node, e.A, e.Payload); return;
            case EventKind.Resume: return;
        }
        var node = Nodes[e.Node - 1];
        if (!node.Up) return;
        if (node.PausedUntil > Scheduler.Now)
        {
            // A paused process handles nothing; its inputs wait for it (ticks included).
            Scheduler.After(node.PausedUntil - Scheduler.Now, e);
            return;
        }
        try
        {
            DispatchToNode(node, e);
        }
        catch (Exception ex)
        {
            // A node must never throw on any input; an invariant panic is a finding too.
            Violations.Report("NodePanic", $"node {node.Id} panicked: {ex.GetType().Name}: {ex.Message}", node.Id);
            return;
        }
        ReportSeamMisuse(node);
        Checker.AfterEvent(node);
        RecordRole(node);
    }

    private void DispatchToNode(SimNode node, in SimEvent e)
    {
        var runtime = node.Runtime!;
        switch (e.Kind)
        {
            case EventKind.Tick:
                if (e.Incarnation != node.Incarnation) return;
                TickNode(node); // the runtime, through the node's application if any (SimWorld.Applications.cs)
                Scheduler.After(node.Clock.ToTrueDuration(Options.TickMs), e);
                break;
            case EventKind.Deliver:
                if (Network.IsBlocked((int)e.A, node.Id)) { Network.Dropped++; return; }
                runtime.Receive((byte[])e.Payload!);
                break;
            case EventKind.DiskDone:
                if (e.Incarnation != node.Incarnation) return;
                CompleteSync(node, e);
                break;
            case EventKind.ClientRequest:
                ((ISimRequest)e.Payload!).Deliver(node);
                break;
        }
    }

    private void OnPhase(in SimEvent e)
    {
        if (e.A == PhaseCrashQuickly)
        {
            if (!Healed) CrashNode(e.Node, restartAfterMs: _pointRandom.Next(1, 50));
            return;
        }
        if (e.A == PhaseUnlimit)
        {
            if (!Healed) Network.LimitBandwidth(e.Node, (int)e.B, 0);
            return;
        }
        if (e.A == PhaseUnblock)
        {
            if (Healed) return;
            foreach (var (from, to) in (List<(int, int)>)e.Payload!) Network.SetBlocked(from, to, false);
            Trace("unblock", 0, e.B);
            return;
        }
        Heal();
    }
}
