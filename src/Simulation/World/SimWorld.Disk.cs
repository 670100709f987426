using Cairn.Simulation.Engine;
using Cairn.Simulation.Faults;

namespace Cairn.Simulation.World;

public sealed partial class SimWorld
{
    /// <summary>Per node (index = id): the last write id of the group sync in flight, and the highest id
    /// waiting for the next group sync (<see cref="DiskCompletion.Cumulative"/>); 0 when none.</summary>
    private readonly long[] _groupInFlight, _groupNext;

    /// <summary>A write was submitted: complete it inside Submit, join a group sync, or schedule its own sync.</summary>
    private void OnSubmitted(SimNode node, long writeId)
    {
        var runtime = node.Runtime;
        // Only a write with nothing older still syncing may complete at once: completions stay in order.
        var canSyncNow = runtime is not null && node.Disk.Unsynced == 1 && !node.Disk.FailNextSync && !node.Disk.OutOfSpace && node.PausedUntil <= Scheduler.Now;
        if (Seams.Disk == DiskCompletion.InsideSubmit && canSyncNow)
        {
            node.Disk.CompleteThrough(writeId);
            runtime!.OnDiskWriteDurable(writeId); // re-enters the node from inside ILogDisk.Submit
            ReportSeamMisuse(node);
            return;
        }
        if (Seams.Disk == DiskCompletion.Cumulative)
        {
            if (_groupInFlight[node.Id] != 0) { _groupNext[node.Id] = writeId; return; }
            _groupInFlight[node.Id] = writeId;
        }
        ScheduleSync(node, writeId);
    }

    /// <summary>
    /// A disk completes syncs in submission order, each after its own latency: occasional spikes, a
    /// wait for space while full, and (when armed) a failed fsync. Under the accept-out-of-order-completion
    /// canary the disk is broken too: syncs finish independently, so later writes may complete first.
    /// </summary>
    /// <summary>How fast the simulated disk writes a snapshot: 50 MB/s, so a 5 MB snapshot takes 100 ms.</summary>
    public const long SnapshotWriteBytesPerMs = 50_000;

    private void ScheduleSync(SimNode node, long writeId)
    {
        var disk = node.Disk;
        // Writing a snapshot (a compaction's, or one installed from a leader) takes time in proportion to its size.
        var latency = _diskRandom.Next(1, 6) + disk.SnapshotBytesOf(writeId) / SnapshotWriteBytesPerMs;
        if (Plan.Has(FaultKinds.DiskLatency) && _diskRandom.Chance(Plan.DiskSpikeRate)) latency = _diskRandom.Next(50, 500);
        var start = Math.Max(Scheduler.Now, disk.FullUntil);
        var misordered = _bugs.AcceptOutOfOrderCompletion;
        var done = misordered ? start + _diskRandom.Next(1, 60) : Math.Max(start + latency, disk.BusyUntil);
        if (_buggify.Fires(Cairn.Core.Raft.FaultPoint.DelaySend)) done += _diskRandom.Next(1, 20); // coalesce with later syncs
        disk.BusyUntil = Math.Max(disk.BusyUntil, done);
        var outcome = disk.FailNextSync ? SyncOutcome.Failed : misordered ? SyncOutcome.Only : Seams.Disk == DiskCompletion.Cumulative ? SyncOutcome.Cumulative : SyncOutcome.InOrder;
        disk.FailNextSync = false;
        Scheduler.After(done - Scheduler.Now, new DiskDoneEvent(node.Id, node.Incarnation, writeId, outcome));
    }

    /// <summary>Carries out a sync completion, or the fail-stop that a failed fsync demands.</summary>
    private void CompleteSync(SimNode node, DiskDoneEvent e)
    {
        if (e.Outcome == SyncOutcome.Failed)
        {
            node.Runtime!.OnDiskWriteFailed(e.WriteId, "fsync returned EIO");
            Mark("fsync-fail", new[] { node.Id }, 0, $"fsync of write {e.WriteId} failed: node fail-stops");
            CrashNode(node.Id, restartAfterMs: _diskRandom.Next(500, 3000));
            return;
        }
        if (e.Outcome == SyncOutcome.Only)
        {
            node.Disk.CompleteOnly(e.WriteId);
            node.Runtime!.OnDiskWriteDurable(e.WriteId);
        }
        else if (e.Outcome == SyncOutcome.Cumulative)
        {
            node.Disk.CompleteThrough(e.WriteId);
            // The next group's sync starts before the node hears of this one, so writes it submits on
            // hearing join that next group rather than start a sync of their own.
            var next = _groupNext[node.Id];
            _groupNext[node.Id] = 0;
            _groupInFlight[node.Id] = next;
            if (next != 0) ScheduleSync(node, next);
            node.Runtime!.OnDiskWritesDurableThrough(e.WriteId); // one report for the whole group
        }
        else
        {
            node.Disk.CompleteThrough(e.WriteId);
            node.Runtime!.OnDiskWriteDurable(e.WriteId);
        }
        ReportSeamMisuse(node);
    }

    /// <summary>A node that fail-stopped on a completion names a broken seam (the simulated disk completes in
    /// order): that is a finding, not a fault to recover from.</summary>
    private void ReportSeamMisuse(SimNode node)
    {
        if (node.Runtime is { Stopped: true, StopReason: { } reason } && !reason.StartsWith("disk write", StringComparison.Ordinal) && !Violations.Any)
            Violations.Report("DiskCompletionOrder", $"node {node.Id} fail-stopped: {reason}", node.Id);
    }

    /// <summary>Delivers a frame inside <see cref="SimNetwork.Send"/> (<see cref="NetworkDelivery.Synchronous"/>),
    /// through the same dispatch as a scheduled delivery, so partitions, pauses and checkers still apply.</summary>
    /// A run over its budget stops delivering, so a storm that never leaves one scheduled event still ends.
    private void DeliverNow(int from, int to, byte[] frame)
    {
        if (Violations.Any) return;
        _deliveredNow++;
        if (OverBudget)
        {
            ReportOverBudget();
            return;
        }
        var e = new DeliverEvent(from, to, frame);
        Hash.Add(((long)e.Kind << 32) | (uint)e.Node);
        Hash.Add(e.TraceValue);
        Dispatch(e);
    }
}
