using Cairn.Core.Raft.Wire;

namespace Cairn.Core.Raft;

/// <summary>A read whose index the leader has confirmed with a quorum (Raft §8, ReadIndex).</summary>
/// <param name="RequestId">The caller's id for the read.</param>
/// <param name="Index">The read may be served once the state machine has applied this index.</param>
public readonly record struct ReadState(ulong RequestId, ulong Index);

/// <summary>
/// Everything a <see cref="RaftNode"/> asks its driver to do, as data. Ordering contract:
/// <list type="number">
/// <item><see cref="MessagesNow"/> may be sent at once (the leader's appends do not depend on its own write).</item>
/// <item><see cref="Snapshot"/>, <see cref="HardState"/> and <see cref="Entries"/> are written and synced together; the disk log is
/// truncated before the first entry's index. Writes complete in submission order.</item>
/// <item><see cref="MessagesAfterPersist"/> leave only once this write and every earlier one is durable.</item>
/// <item>Then the driver reports <see cref="RaftNode.OnPersisted"/>.</item>
/// <item><see cref="CommittedEntries"/> are applied in order; they are already durable on this node.</item>
/// </list>
/// </summary>
public sealed class Ready
{
    /// <summary>Messages that may be sent immediately.</summary>
    public List<Message> MessagesNow { get; } = new();

    /// <summary>Messages (votes, append acknowledgements) that may leave only after the write is durable.</summary>
    public List<Message> MessagesAfterPersist { get; } = new();

    /// <summary>Hard state to persist, or null when unchanged.</summary>
    public HardState? HardState { get; internal set; }

    /// <summary>Entries to persist, contiguous; the disk drops any entry at or after the first one's index.</summary>
    public List<Entry> Entries { get; internal set; } = new();

    /// <summary>
    /// An installed snapshot to persist (Raft §7), or null. It is written before <see cref="Entries"/> in the same
    /// write; with <see cref="SnapshotRecord.ReplaceLog"/> the disk drops its whole log first. Once durable the
    /// driver restores the state machine from it and then calls <see cref="RaftNode.OnSnapshotPersisted"/>.
    /// </summary>
    public SnapshotRecord? Snapshot { get; internal set; }

    /// <summary>Committed, durable entries to apply, in index order.</summary>
    public List<Entry> CommittedEntries { get; internal set; } = new();

    /// <summary>Reads confirmed by a quorum.</summary>
    public List<ReadState> ReadStates { get; } = new();

    /// <summary>Request ids of reads that will never be confirmed (leadership changed, the leader refused a
    /// forwarded read, or its answer is overdue); the driver fails them at once.</summary>
    public List<ulong> FailedReads { get; } = new();

    /// <summary>Leader-only requests followers forwarded to this leader; the driver hands each to the application,
    /// which answers with <see cref="RaftNode.RespondToForward"/>.</summary>
    public List<ForwardedRequest> ForwardedRequests { get; } = new();

    /// <summary>Answers (or failures) of requests this follower forwarded with <see cref="RaftNode.ForwardRequest"/>.</summary>
    public List<ForwardResponse> ForwardResponses { get; } = new();

    /// <summary>True when the driver must write something to disk for this Ready.</summary>
    public bool MustPersist => HardState is not null || Entries.Count > 0 || Snapshot is not null;
}
