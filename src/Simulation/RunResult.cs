namespace Cairn.Simulation;

/// <summary>The outcome of one run.</summary>
public sealed record RunResult
{
    /// <summary>The seed.</summary>
    public required ulong Seed { get; init; }
    /// <summary>True when no invariant was violated.</summary>
    public required bool Ok { get; init; }
    /// <summary>Each violation, rendered with invariant, nodes, time and seed.</summary>
    public required IReadOnlyList<string> Violations { get; init; }
    /// <summary>Hash of every processed event; equal across processes for equal options.</summary>
    public required ulong TraceHash { get; init; }
    /// <summary>Events processed.</summary>
    public required long Events { get; init; }
    /// <summary>Simulated time covered, in ms.</summary>
    public required long SimulatedMs { get; init; }
    /// <summary>Wall-clock time the run took, in ms.</summary>
    public required double WallMs { get; init; }
    /// <summary>Entries committed.</summary>
    public required long Committed { get; init; }
    /// <summary>Client operations acknowledged.</summary>
    public required long Acknowledged { get; init; }
    /// <summary>Fault actions the nemesis took.</summary>
    public required int FaultActions { get; init; }
    /// <summary>Leaders elected.</summary>
    public required int LeadersElected { get; init; }
    /// <summary>Snapshots installed on followers from a leader and restored (Raft §7).</summary>
    public long SnapshotsInstalled { get; init; }
    /// <summary>Snapshot chunks sent, across every node and incarnation.</summary>
    public long SnapshotChunksSent { get; init; }
    /// <summary>First chunks sent: transfers started, restarted, or whose first chunk was resent.</summary>
    public long SnapshotTransfersStarted { get; init; }
    /// <summary>The most chunks one completed snapshot transfer spanned.</summary>
    public long SnapshotChunksPerTransferMax { get; init; }
    /// <summary>ReportUnreachable and ReportSnapshot(Failure) calls the simulated transport made.</summary>
    public long UnreachableReports { get; init; }
    /// <inheritdoc cref="UnreachableReports"/>
    public long SnapshotFailureReports { get; init; }
    /// <summary>Transfers that ended in the follower restoring the snapshot (from its first chunk).</summary>
    public long SnapshotTransfersCompleted { get; init; }
    /// <summary>Simulated ms those transfers took, summed.</summary>
    public long SnapshotTransferMsTotal { get; init; }
    /// <summary>The longest of those transfers, simulated ms.</summary>
    public long SnapshotTransferMsMax { get; init; }
    /// <summary>Snapshots nodes took of their own state machine, compacting their log (Raft §7).</summary>
    public long SnapshotsTaken { get; init; }
    /// <summary>Snapshots leaders produced from their durable store, off the event loop, for followers that needed one.</summary>
    public long SnapshotsProduced { get; init; }
    /// <summary>The linearizability verdict on the client history: <c>linearizable</c>, <c>violation</c> or
    /// <c>unknown</c> (a search limit was reached); null when the workload records no history or the run
    /// stopped before the check.</summary>
    public string? Linearizability { get; init; }
    /// <summary>The limits drawn from the seed for this run ("Name=value" pairs; empty when all are defaults).</summary>
    public string Limits { get; init; } = "";
    /// <summary>Rare paths the workload reached ("name=count" pairs), for example session evictions; may be empty.</summary>
    public string Coverage { get; init; } = "";
    /// <summary>The seam behaviours the run used (disk completion and network delivery modes).</summary>
    public World.SeamModes SeamModes { get; init; }
    /// <summary>Bytes of every frame the nodes sent.</summary>
    public long BytesSent { get; init; }
    /// <summary>Traffic per committed entry: <see cref="BytesSent"/> / <see cref="Committed"/> (0 when nothing committed).</summary>
    public double BytesPerCommittedEntry => Committed == 0 ? 0 : (double)BytesSent / Committed;
    /// <summary>The first violated invariant's name, or null.</summary>
    public string? FirstInvariant { get; init; }
    /// <summary>The recorded timeline when <see cref="RunOptions.RecordTimeline"/> was set.</summary>
    public Reporting.Timeline? Timeline { get; init; }
    /// <summary>The command that replays this run.</summary>
    public required string ReplayCommand { get; init; }
}
