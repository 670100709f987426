using System.Diagnostics;
using Cairn.Core.Kv;
using Cairn.Core.Raft;
using Cairn.Simulation.Canaries;
using Cairn.Simulation.Engine;
using Cairn.Simulation.History;
using Cairn.Simulation.Workloads;
using Cairn.Simulation.Workloads.Kv;
using Cairn.Simulation.World;

namespace Cairn.Simulation;

/// <summary>Runs one seed end to end and summarizes it.</summary>
public static class Simulator
{
    /// <summary>Runs <paramref name="options"/> and returns the outcome.</summary>
    public static RunResult Run(RunOptions options) => Run(options, CreateWorkload(options));

    /// <summary>Runs <paramref name="options"/> with a given workload instance (tests plant their own).</summary>
    internal static RunResult Run(RunOptions options, IWorkload workload)
    {
        var bugs = options.Bug is null ? RaftBugs.None : CanaryCatalog.Find(options.Bug).Raft;
        var world = new SimWorld(options, workload, bugs);
        var wall = Stopwatch.StartNew(); // measures the run; never feeds a decision
        world.Run();
        wall.Stop();
        if (options.HistoryPath is not null && workload is IHistoryWorkload recorded)
            HistoryJsonWriter.WriteFile(options.HistoryPath, recorded.HistoryEvents);
        return new RunResult
        {
            Seed = options.Seed,
            Ok = !world.Violations.Any,
            Violations = world.Violations.All.Select(v => v.ToString()).ToArray(),
            TraceHash = world.Hash.Value,
            Events = world.Scheduler.Processed,
            SimulatedMs = world.Scheduler.Now,
            WallMs = wall.Elapsed.TotalMilliseconds,
            Committed = world.Checker.CommittedCount,
            Acknowledged = workload.Acknowledged,
            FaultActions = world.FaultActions,
            LeadersElected = world.Checker.LeadersElected,
            SnapshotsInstalled = world.SnapshotsInstalled,
            SnapshotChunksSent = world.SnapshotChunksSent,
            SnapshotTransfersStarted = world.SnapshotTransfersStarted,
            SnapshotChunksPerTransferMax = world.SnapshotChunksPerTransferMax,
            SnapshotTransfersCompleted = world.SnapshotTransfersCompleted,
            UnreachableReports = world.UnreachableReports,
            SnapshotFailureReports = world.SnapshotFailureReports,
            SnapshotTransferMsTotal = world.SnapshotTransferMsTotal,
            SnapshotTransferMsMax = world.SnapshotTransferMsMax,
            SnapshotsTaken = world.SnapshotsTaken,
            SnapshotsProduced = world.SnapshotsProduced,
            BytesSent = world.Network.SentBytes,
            SeamModes = world.Seams,
            ReplayCommand = options.ReplayCommand(),
            Linearizability = (workload as KvWorkload)?.Linearizability?.VerdictName,
            Limits = world.Limits.Describe(),
            Coverage = (workload as KvWorkload)?.Coverage() ?? "",
            FirstInvariant = world.Violations.All.Count > 0 ? world.Violations.All[0].Invariant : null,
            Timeline = world.Timeline,
        };
    }

    /// <summary>Names of the available workloads.</summary>
    public static IReadOnlyList<string> Workloads { get; } = new[] { "register", "kv", "kv-large" };

    /// <summary>True when <paramref name="workload"/> records a client history that <c>--history</c> can write.</summary>
    internal static bool RecordsHistory(string workload) => CreateWorkload(new RunOptions { Workload = workload }) is IHistoryWorkload;

    private static IWorkload CreateWorkload(RunOptions options) => options.Workload switch
    {
        "register" => new CommandWorkload(SimRandom.Derive(options.Seed, "workload")),
        "kv" or "kv-large" => new KvWorkload(SimRandom.Derive(options.Seed, "workload"), options.Bug is null ? KvBugs.None : CanaryCatalog.Find(options.Bug).Kv ?? KvBugs.None, largeValues: options.Workload == "kv-large",
            limits: RunLimits.Draw(options.Seed, options.Clients))
        {
            BackendFactory = MvccStores.Factory(options.Store),
        },
        _ => throw new ArgumentException($"unknown workload '{options.Workload}'; known: {string.Join(", ", Workloads)}"),
    };
}
