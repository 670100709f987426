using Cairn.Simulation.Engine;
using Cairn.Simulation.Faults;

namespace Cairn.Simulation.World;

public sealed partial class SimWorld
{
    private const long SyncFailed = -1;

    /// <summary>
    /// A disk completes syncs in submission order, each after its own latency: occasional spikes, a
    /// wait for space while full, and (when armed) a failed fsync.
    /// </summary>
    private void ScheduleSync(SimNode node, long writeId)
    {
        var disk = node.Disk;
        var latency = _diskRandom.Next(1, 6);
        if (Plan.Has(FaultKinds.DiskLatency) && _diskRandom.Chance(Plan.DiskSpikeRate)) latency = _diskRandom.Next(50, 500);
        var start = Math.Max(Scheduler.Now, disk.FullUntil);
        var done = Math.Max(start + latency, disk.BusyUntil);
        if (_buggify.Fires(Cairn.Core.Raft.FaultPoint.DelaySend)) done += _diskRandom.Next(1, 20); // coalesce with later syncs
        disk.BusyUntil = done;
        var outcome = disk.FailNextSync ? SyncFailed : 0;
        disk.FailNextSync = false;
        Scheduler.After(done - Scheduler.Now, new SimEvent(EventKind.DiskDone, node.Id, node.Incarnation, writeId, outcome, null));
    }

    /// <summary>Carries out a sync completion, or the fail-stop that a failed fsync demands.</summary>
    private void CompleteSync(SimNode node, in SimEvent e)
    {
        if (e.B == SyncFailed)
        {
            node.Runtime!.OnDiskWriteFailed(e.A, "fsync returned EIO");
            Mark("fsync-fail", new[] { node.Id }, 0, $"fsync of write {e.A} failed: node fail-stops");
            CrashNode(node.Id, restartAfterMs: _diskRandom.Next(500, 3000));
            return;
        }
        node.Disk.CompleteThrough(e.A);
        node.Runtime!.OnDiskWriteDurable(e.A);
    }
}
