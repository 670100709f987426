using Cairn.Simulation.Engine;

namespace Cairn.Simulation.World;

/// <summary>How a simulated disk reports its syncs to the node (the <c>ILogDisk</c> seam).</summary>
public enum DiskCompletion
{
    /// <summary>Each write completes on its own, later, through the scheduler, in submission order.</summary>
    Scheduled,
    /// <summary>The sync completes synchronously inside <c>ILogDisk.Submit</c>, re-entering the node
    /// (an in-memory or already-synced host disk).</summary>
    InsideSubmit,
    /// <summary>Group commit: writes submitted while a sync is in flight join the next sync, and only the
    /// group's last id is reported (<c>NodeRuntime.OnDiskWritesDurableThrough</c>).</summary>
    Cumulative,
}

/// <summary>How the simulated network hands frames to their destination (the <c>INetwork</c> seam).</summary>
public enum NetworkDelivery
{
    /// <summary>Frames arrive later through the scheduler, after a drawn latency.</summary>
    Scheduled,
    /// <summary>Frames that survive loss and partitions are delivered synchronously inside <c>INetwork.Send</c>,
    /// re-entering the destination (and, through its replies, the sender): an in-process transport.</summary>
    Synchronous,
}

/// <summary>The seam behaviours of one run, drawn from the seed unless <see cref="RunOptions"/> fixes them.</summary>
/// <param name="Disk">How disks report completions.</param>
/// <param name="Network">How the network delivers frames.</param>
public readonly record struct SeamModes(DiskCompletion Disk, NetworkDelivery Network)
{
    /// <summary>Percent of runs whose disks complete inside Submit, and percent that complete cumulatively.</summary>
    public const int InsideSubmitPercent = 20, CumulativePercent = 20;

    /// <summary>Percent of runs whose network delivers synchronously.</summary>
    public const int SynchronousNetworkPercent = 15;

    /// <summary>The modes for <paramref name="options"/>: the fixed ones, else drawn from the seed.</summary>
    public static SeamModes For(RunOptions options)
    {
        var random = SimRandom.Derive(options.Seed, "seam-modes");
        var diskRoll = random.Next(0, 100);
        var networkRoll = random.Next(0, 100);
        var disk = diskRoll < InsideSubmitPercent ? DiskCompletion.InsideSubmit
            : diskRoll < InsideSubmitPercent + CumulativePercent ? DiskCompletion.Cumulative : DiskCompletion.Scheduled;
        var network = networkRoll < SynchronousNetworkPercent ? NetworkDelivery.Synchronous : NetworkDelivery.Scheduled;
        return new SeamModes(options.DiskCompletion ?? disk, options.NetworkDelivery ?? network);
    }

    /// <summary>The modes as printed in run output, e.g. <c>disk inside-submit, network synchronous</c>.</summary>
    public override string ToString() => $"disk {Name(Disk.ToString())}, network {Name(Network.ToString())}";

    private static string Name(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
