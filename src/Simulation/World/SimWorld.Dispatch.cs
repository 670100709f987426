using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Cairn.Core.Wire;
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
        if (e is ReportEvent reported) _reportPending[reported.Node, reported.Peer] = 0;
        if (e is DeliverEvent lost && !Nodes[e.Node - 1].Up) Undeliverable(lost.From, lost.To, lost.Frame);
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
                if (Network.IsBlocked(deliver.From, node.Id)) { Network.Dropped++; Undeliverable(deliver.From, node.Id, deliver.Frame); return; }
                node.Runtime!.Receive(deliver.Frame);
                break;
            case DiskDoneEvent done:
                if (done.Incarnation != node.Incarnation) return;
                CompleteSync(node, done);
                break;
            case SnapshotProducedEvent produced:
                if (produced.Incarnation != node.Incarnation) return;
                if (produced.Job.Error is null) SnapshotsProduced++;
                node.Runtime!.OnSnapshotProduced(produced.Job);
                break;
            case ClientRequestEvent request:
                request.Request.Deliver(node);
                break;
            case ReportEvent report:
                UnreachableReports++;
                node.Runtime!.ReportUnreachable((ulong)report.Peer);
                if (!report.SnapshotLost) break;
                SnapshotFailureReports++;
                node.Runtime.ReportSnapshot((ulong)report.Peer, SnapshotStatus.Failure);
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

    /// <summary>ReportUnreachable and ReportSnapshot(Failure) calls the transport made, across every node.</summary>
    public long UnreachableReports, SnapshotFailureReports;

    /// <summary>How long the transport takes to notice that a frame did not get through (a broken connection).</summary>
    public const long UnreachableNoticeMs = 5;

    /// <summary>Per (sender, peer): 0 = no report pending, 1 = unreachable, 2 = unreachable and a snapshot chunk lost.</summary>
    private byte[,] _reportPending = new byte[0, 0];

    /// <summary>A frame from <paramref name="from"/> could not reach <paramref name="to"/> (cut link, or a process that is
    /// down): the sender's transport reports the peer unreachable, and a lost snapshot chunk as a failed snapshot
    /// (etcd-raft's ReportUnreachable and ReportSnapshot), once per pair while a report is pending.</summary>
    private void Undeliverable(int from, int to, byte[] frame)
    {
        if (_reportPending.Length == 0) _reportPending = new byte[Nodes.Count + 1, Nodes.Count + 1];
        if (_reportPending[from, to] == 2) return;
        var snapshot = FrameCodec.TryDecode(frame, out _) is { Type: MessageType.MsgSnapshot };
        var pending = _reportPending[from, to];
        if (pending == 1 && !snapshot) return;
        _reportPending[from, to] = (byte)(snapshot ? 2 : 1);
        if (pending == 0 || snapshot) Scheduler.After(UnreachableNoticeMs, new ReportEvent(from, to, snapshot));
    }
}
