using Cairn.Simulation.Engine;

namespace Cairn.Simulation.World;

public sealed partial class SimWorld
{
    private void Dispatch(SimEvent e)
    {
        switch (e)
        {
            case NemesisEvent: _nemesis?.Act(); return;
            case PhaseEvent phase: OnPhase(phase); return;
            case RestartEvent: RestartNode(e.Node); return;
            case ClientWakeEvent wake: Workload.OnWake(wake.Client, wake.Token, wake.Message); return;
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

    private void DispatchToNode(SimNode node, SimEvent e)
    {
        switch (e)
        {
            case TickEvent tick:
                if (tick.Incarnation != node.Incarnation) return;
                TickNode(node); // the runtime, through the node's application if any (SimWorld.Applications.cs)
                Scheduler.After(node.Clock.ToTrueDuration(Options.TickMs), tick);
                break;
            case DeliverEvent deliver:
                if (Network.IsBlocked(deliver.From, node.Id)) { Network.Dropped++; return; }
                node.Runtime!.Receive(deliver.Frame);
                break;
            case DiskDoneEvent done:
                if (done.Incarnation != node.Incarnation) return;
                CompleteSync(node, done);
                break;
            case ClientRequestEvent request:
                request.Request.Deliver(node);
                break;
        }
    }

    private void OnPhase(PhaseEvent e)
    {
        switch (e)
        {
            case CrashQuicklyEvent crash:
                if (!Healed) CrashNode(crash.Node, restartAfterMs: _pointRandom.Next(1, 50));
                return;
            case UnlimitEvent unlimit:
                if (!Healed) Network.LimitBandwidth(unlimit.From, unlimit.To, 0);
                return;
            case UnblockEvent unblock:
                if (Healed) return;
                foreach (var (from, to) in unblock.Links) Network.SetBlocked(from, to, false);
                Trace("unblock", 0, unblock.Links.Count);
                return;
            default:
                Heal();
                return;
        }
    }
}
