namespace Cairn.Core.Raft;

/// <summary>
/// Planted Raft bugs (canaries). Each is off by default and internal to Cairn, so only the simulator
/// (via InternalsVisibleTo) can switch one on: host configuration cannot reach it.
/// </summary>
internal sealed class RaftBugs
{
    /// <summary>A bug-free configuration.</summary>
    public static readonly RaftBugs None = new();

    /// <summary>Commit entries of earlier terms by counting replicas (Raft Figure 8).</summary>
    public bool CommitPreviousTermByCount { get; init; }

    /// <summary>Quorum is n/2 instead of n/2+1.</summary>
    public bool QuorumOffByOne { get; init; }

    /// <summary>A conflicting entry overwrites in place and the conflicting suffix stays (Raft §5.3).</summary>
    public bool NoTruncateOnConflict { get; init; }

    /// <summary>A follower commits up to leaderCommit even past the prefix this append verified (even from a rejected append).</summary>
    public bool CommitBeyondVerified { get; init; }

    /// <summary>Messages from an older term are processed as if current.</summary>
    public bool AcceptStaleTerm { get; init; }

    /// <summary>A node grants its vote to any candidate in a term, even after voting for another.</summary>
    public bool DoubleVote { get; init; }

    /// <summary>A candidate counts every grant message, so a duplicated grant counts twice.</summary>
    public bool CountDuplicateVotes { get; init; }

    /// <summary>A follower sets its commit index to leaderCommit even when that moves it backwards.</summary>
    public bool CommitIndexRegresses { get; init; }

    /// <summary>Committed entries are applied before they are durable on this node.</summary>
    public bool ApplyBeforeDurable { get; init; }

    /// <summary>The runtime writes the hard state without term and vote, so a restart forgets its vote.</summary>
    public bool VoteNotPersisted { get; init; }

    /// <summary>The runtime sends votes and append acknowledgements before the write they depend on is synced.</summary>
    public bool AckBeforeSync { get; init; }

    /// <summary>Frames and disk records are decoded without verifying their checksum.</summary>
    public bool SkipChecksum { get; init; }

    /// <summary>Simulated disk: a record whose length word disagrees with its size is taken for a torn tail and dropped
    /// with everything after it, even when it was synced.</summary>
    public bool CorruptLengthAsTornTail { get; init; }

    /// <summary>Simulated disk: an unwritten slot (a lost write) is taken for the end of the log, even below the sync watermark.</summary>
    public bool HoleAsEndOfLog { get; init; }

    /// <summary>A leader gives up on a follower that rejected an append: it never probes it again (a liveness bug).</summary>
    public bool AbandonLaggingFollower { get; init; }

    /// <summary>The runtime acknowledges a proposal when its index is applied, without checking that the applied
    /// entry is the one proposed (same term): a client is told "applied" for a command another leader replaced.</summary>
    public bool AckWithoutTermCheck { get; init; }

    /// <summary>A follower serves a forwarded read as soon as the leader's answer arrives, at whatever index it
    /// has applied, instead of waiting until it has applied the leader's read index.</summary>
    public bool FollowerReadBeforeReadIndex { get; init; }

    /// <summary>The runtime acknowledges a forwarded proposal as soon as its entry reaches this node's log,
    /// before the entry is committed and applied.</summary>
    public bool ForwardAckBeforeApply { get; init; }

    /// <summary>A leader transfer skips the catch-up: the leader sends TimeoutNow at once, and voters trust the
    /// transfer flag in place of the §5.4.1 up-to-date check ("the leader vouched for it").</summary>
    public bool TransferWithoutCatchup { get; init; }

    /// <summary>The runtime carries out an input that arrives from inside an output handler at once, in the middle of
    /// the Ready being carried out, instead of queueing it (the pre-issue-7 seam): applies get skipped.</summary>
    public bool ReentrantInputs { get; init; }

    /// <summary>The runtime takes any disk completion as the oldest pending write's, whatever id it names, and the
    /// simulated disk completes writes out of order: acknowledgements leave for writes that are not durable.</summary>
    public bool AcceptOutOfOrderCompletion { get; init; }

    /// <summary>A new leader serves ReadIndex before it committed an entry of its own term (Raft thesis §6.4), so
    /// its commit index may lag entries an earlier leader committed and acknowledged.</summary>
    public bool ReadIndexBeforeTermCommit { get; init; }

    /// <summary>True when a bug that breaks cluster-wide safety is on: the invariants whose premise is a safe
    /// cluster (for example, no follower acknowledges beyond the leader's log) then give way to the checkers,
    /// which must catch the canary on their own.</summary>
    public bool BreaksSafety => CommitPreviousTermByCount || QuorumOffByOne || NoTruncateOnConflict || CommitBeyondVerified
        || AcceptStaleTerm || DoubleVote || CountDuplicateVotes || CommitIndexRegresses || VoteNotPersisted || AckBeforeSync
        || SkipChecksum || ApplyBeforeDurable || ReentrantInputs || AcceptOutOfOrderCompletion || ReadIndexBeforeTermCommit
        || FollowerReadBeforeReadIndex || ForwardAckBeforeApply || TransferWithoutCatchup || CompactPastDurableApplied || SnapshotInstallUnverified;

    /// <summary>A follower installs an assembled snapshot without checking it against the whole snapshot's CRC-32C that
    /// the leader announced, so bytes damaged before their chunk's checksum was computed are installed.</summary>
    public bool SnapshotInstallUnverified { get; init; }

    /// <summary>A leader sends snapshot chunks past its window (<see cref="RaftOptions.SnapshotChunksInFlightMax"/>),
    /// ignoring receipts: the whole rest of the snapshot goes out at once, again at every rewind.</summary>
    public bool SnapshotWindowOverrun { get; init; }

    /// <summary>The runtime compacts the Raft log up to the applied index even when the state machine's store
    /// has made less of it durable, so a restart finds entries it must replay already gone.</summary>
    public bool CompactPastDurableApplied { get; init; }
}
