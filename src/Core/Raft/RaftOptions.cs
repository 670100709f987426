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

    /// <summary>Largest command a client may propose, in bytes. Default 1 MiB.</summary>
    public int ProposalBytesMax { get; init; } = 1024 * 1024;

    /// <summary>Most ReadIndex requests pending at the leader. Default 4096.</summary>
    public int PendingReadsMax { get; init; } = 4096;

    /// <summary>Applied entries kept in the log beyond the snapshot before the runtime takes a new snapshot and
    /// compacts the log (Raft §7). Default 10,000.</summary>
    public int SnapshotEntriesThreshold { get; init; } = 10_000;

    /// <summary>Most snapshot bytes one InstallSnapshot chunk carries. Default 64 KiB.</summary>
    public int SnapshotChunkBytesMax { get; init; } = 64 * 1024;

    /// <summary>Largest snapshot a follower assembles from chunks; a bigger transfer is abandoned. Default 1 GiB.</summary>
    public long SnapshotBytesMax { get; init; } = 1L << 30;

    /// <summary>Validates the options, throwing <see cref="ArgumentException"/> on misuse.</summary>
    public void Validate()
    {
        if (Id == 0) throw new ArgumentException("Id must be non-zero.");
        if (!Peers.Contains(Id)) throw new ArgumentException($"Peers must contain this node's id {Id}.");
        if (Peers.Distinct().Count() != Peers.Count) throw new ArgumentException("Peers must be distinct.");
        if (HeartbeatTicks < 1 || ElectionTicks <= HeartbeatTicks)
            throw new ArgumentException("Require 1 <= HeartbeatTicks < ElectionTicks.");
        if (AppendBytesMax < 1 || AppendEntriesMax < 1 || InflightAppendsMax < 1 || UncommittedEntriesMax < 1
            || SnapshotEntriesThreshold < 1 || SnapshotChunkBytesMax < 1 || SnapshotBytesMax < 1)
            throw new ArgumentException("Every limit must be positive.");
    }
}
