namespace Cairn.Core.Raft;

/// <summary>Static configuration of one Raft node. Every limit is a named maximum.</summary>
public sealed record RaftOptions
{
    /// <summary>This node's id; non-zero and a member of <see cref="Peers"/>.</summary>
    public required ulong Id { get; init; }

    /// <summary>Every voting member, this node included, in ascending order.</summary>
    public required IReadOnlyList<ulong> Peers { get; init; }

    /// <summary>
    /// Pre-vote (Raft thesis §9.6): before raising its term, a node asks whether a majority would vote
    /// for it, and nodes that heard from a leader within an election timeout say no. A partitioned node
    /// that rejoins therefore cannot depose a healthy leader. Default false (as in etcd-raft).
    /// </summary>
    public bool PreVote { get; init; }

    /// <summary>Base election timeout in ticks; the effective timeout is drawn from [base, 2·base). Default 10.</summary>
    public int ElectionTicks { get; init; } = 10;

    /// <summary>Leader heartbeat interval in ticks. Default 1.</summary>
    public int HeartbeatTicks { get; init; } = 1;

    /// <summary>Most payload bytes one AppendEntries message carries (at least one entry is always sent). Default 64 KiB.</summary>
    public int AppendBytesMax { get; init; } = 64 * 1024;

    /// <summary>Most entries one AppendEntries message carries. Default 64.</summary>
    public int AppendEntriesMax { get; init; } = 64;

    /// <summary>Most unacknowledged AppendEntries messages in flight to one follower. Default 8.</summary>
    public int InflightAppendsMax { get; init; } = 8;

    /// <summary>Most entries a leader holds uncommitted before refusing proposals. Default 4096.</summary>
    public int UncommittedEntriesMax { get; init; } = 4096;

    /// <summary>etcd's default <c>--max-request-bytes</c> (1.5 MiB): the largest request a KV client may send.</summary>
    public const int EtcdRequestBytesMax = 1_572_864;

    /// <summary>Room for what a node adds around a client request in its command (session stamp, tags, lengths).</summary>
    public const int CommandOverheadBytesMax = 4096;

    /// <summary>Room for a message's own fields (type, terms, indexes) and each entry's framing inside a frame.</summary>
    public const int MessageOverheadBytesMax = 1024, EntryOverheadBytesMax = 64;

    /// <summary>Largest command a client may propose, in bytes. Default <see cref="EtcdRequestBytesMax"/> +
    /// <see cref="CommandOverheadBytesMax"/>, so every request the KV layer admits fits: a KV request is refused at
    /// admission ("etcdserver: request is too large"), never by Raft.</summary>
    public int ProposalBytesMax { get; init; } = EtcdRequestBytesMax + CommandOverheadBytesMax;

    /// <summary>Most payload bytes a leader holds uncommitted before refusing proposals (a single proposal is always
    /// admitted when nothing is uncommitted). Default 64 MiB.</summary>
    public long UncommittedBytesMax { get; init; } = 64L * 1024 * 1024;

    /// <summary>Most payload bytes of applied entries kept in the log after the snapshot: beyond it the runtime
    /// snapshots and compacts, whatever <see cref="SnapshotEntriesThreshold"/> says. Default 256 MiB.</summary>
    public long RetainedLogBytesMax { get; init; } = 256L * 1024 * 1024;

    /// <summary>Most ReadIndex requests pending at the leader. Default 4096.</summary>
    public int PendingReadsMax { get; init; } = 4096;

    /// <summary>Applied entries kept in the log beyond the snapshot before the runtime takes a new snapshot and
    /// compacts the log (Raft §7). Default 10,000.</summary>
    public int SnapshotEntriesThreshold { get; init; } = 10_000;

    /// <summary>
    /// Most entries past <see cref="SnapshotEntriesThreshold"/> a leader keeps in its log for a follower that answers
    /// but lags (etcd's <c>SnapshotCatchUpEntries</c>): compaction waits until the follower has the entries it would
    /// drop, so a follower that installs a snapshot catches up from the log instead of needing a newer snapshot
    /// after every install (a multi-megabyte transfer outlasts a small threshold's worth of commits). 0 turns the
    /// wait off. Default 5000.
    /// </summary>
    public int SnapshotCatchUpEntries { get; init; } = 5000;

    /// <summary>Most snapshot bytes one InstallSnapshot chunk carries. Default 64 KiB.</summary>
    public int SnapshotChunkBytesMax { get; init; } = 64 * 1024;

    /// <summary>Most snapshot chunks a leader sends one follower ahead of its cumulative receipt (a sliding window, not
    /// stop-and-wait). Default 16.</summary>
    public int SnapshotChunksInFlightMax { get; init; } = 16;

    /// <summary>Largest snapshot a follower assembles from chunks; a bigger transfer is abandoned. Default 16 GiB: twice
    /// etcd's largest recommended backend quota (8 GiB). The bytes go to a snapshot file, not to memory, when the log
    /// disk has a snapshot store; without one (inline snapshots, tests only) the follower holds them.</summary>
    public long SnapshotBytesMax { get; init; } = 16L << 30;

    /// <summary>Validates the options, throwing <see cref="ArgumentException"/> on misuse.</summary>
    public void Validate()
    {
        if (Id == 0) throw new ArgumentException("Id must be non-zero.");
        if (!Peers.Contains(Id)) throw new ArgumentException($"Peers must contain this node's id {Id}.");
        if (Peers.Distinct().Count() != Peers.Count) throw new ArgumentException("Peers must be distinct.");
        if (HeartbeatTicks < 1 || ElectionTicks <= HeartbeatTicks)
            throw new ArgumentException("Require 1 <= HeartbeatTicks < ElectionTicks.");
        if (AppendBytesMax < 1 || AppendEntriesMax < 1 || InflightAppendsMax < 1 || UncommittedEntriesMax < 1
            || SnapshotEntriesThreshold < 1 || SnapshotCatchUpEntries < 0 || SnapshotChunkBytesMax < 1 || SnapshotChunksInFlightMax < 1 || SnapshotBytesMax < 1
            || ProposalBytesMax < 1 || UncommittedBytesMax < 1 || RetainedLogBytesMax < 1 || PendingReadsMax < 1)
            throw new ArgumentException("Every limit must be positive (SnapshotCatchUpEntries non-negative).");
        if (UncommittedBytesMax < ProposalBytesMax)
            throw new ArgumentException($"UncommittedBytesMax {UncommittedBytesMax} must admit one proposal of ProposalBytesMax {ProposalBytesMax}.");
        // One append carries entries up to AppendBytesMax, and always at least one entry of up to ProposalBytesMax.
        var appendFrameMax = (long)Math.Max(AppendBytesMax, ProposalBytesMax) + (long)AppendEntriesMax * EntryOverheadBytesMax + MessageOverheadBytesMax;
        if (appendFrameMax > Cairn.Core.Wire.FrameCodec.PayloadBytesMax)
            throw new ArgumentException($"an append of up to {appendFrameMax} bytes (AppendBytesMax, ProposalBytesMax, AppendEntriesMax) exceeds the frame limit FrameCodec.PayloadBytesMax {Cairn.Core.Wire.FrameCodec.PayloadBytesMax}.");
        if ((long)SnapshotChunkBytesMax + MessageOverheadBytesMax > Cairn.Core.Wire.FrameCodec.PayloadBytesMax)
            throw new ArgumentException($"SnapshotChunkBytesMax {SnapshotChunkBytesMax} does not fit in a frame (FrameCodec.PayloadBytesMax {Cairn.Core.Wire.FrameCodec.PayloadBytesMax}).");
    }
}
