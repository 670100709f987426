using Cairn.Core.Kv;
using Cairn.Core.Raft;

namespace Cairn.Simulation.Canaries;

/// <summary>A planted bug the simulator can switch on to prove a checker can fail.</summary>
/// <param name="Name">The name used with <c>--bug</c>.</param>
/// <param name="Description">What the bug does.</param>
/// <param name="Raft">The Raft switches it sets.</param>
/// <param name="Kv">The KV switches it sets (null: none); they act only under the <c>kv</c> workload.</param>
/// <param name="Store">The KV workload's MVCC store it needs (<c>--store</c>).</param>
/// <param name="NeedsWorkload">The workload it needs, when not the default one (<c>kv-large</c> for multi-chunk snapshots).</param>
internal sealed record Canary(string Name, string Description, RaftBugs Raft, KvBugs? Kv = null, string Store = "memory", string? NeedsWorkload = null)
{
    /// <summary>The workload that exercises the bug: <see cref="NeedsWorkload"/>, else <c>kv</c> for KV canaries, else <c>register</c>.</summary>
    public string Workload => NeedsWorkload ?? (Kv is null ? "register" : "kv");
}

/// <summary>Every canary, in a fixed order.</summary>
internal static class CanaryCatalog
{
    /// <summary>All canaries.</summary>
    public static IReadOnlyList<Canary> All { get; } = new[]
    {
        new Canary("vote-not-persisted", "term and vote are not written to disk, so a restarted node can vote twice in a term", new RaftBugs { VoteNotPersisted = true }),
        new Canary("figure8-commit", "a leader commits entries of earlier terms by counting replicas (Raft Figure 8)", new RaftBugs { CommitPreviousTermByCount = true }),
        new Canary("ack-before-sync", "votes and append acknowledgements leave before the disk write is synced", new RaftBugs { AckBeforeSync = true }),
        new Canary("quorum-off-by-one", "a quorum is n/2 instead of n/2+1", new RaftBugs { QuorumOffByOne = true }),
        new Canary("no-truncate-on-conflict", "a follower overwrites a conflicting entry in place and keeps the stale suffix after it", new RaftBugs { NoTruncateOnConflict = true }),
        new Canary("commit-beyond-verified", "a follower commits up to leaderCommit past the prefix the append verified", new RaftBugs { CommitBeyondVerified = true }),
        new Canary("accept-stale-term", "messages from an older term are processed as if current", new RaftBugs { AcceptStaleTerm = true }),
        new Canary("double-vote", "a node grants its vote to a second candidate in the same term", new RaftBugs { DoubleVote = true }),
        new Canary("count-duplicate-votes", "a candidate counts every grant message, so a duplicated grant counts twice", new RaftBugs { CountDuplicateVotes = true }),
        new Canary("commit-index-regresses", "a follower lowers its commit index to a smaller leaderCommit", new RaftBugs { CommitIndexRegresses = true }),
        new Canary("apply-before-durable", "committed entries are applied before they are durable on the node", new RaftBugs { ApplyBeforeDurable = true }),
        new Canary("abandon-lagging-follower", "a leader stops sending appends to a follower once it rejects one, so the follower never catches up (liveness)", new RaftBugs { AbandonLaggingFollower = true }),
        new Canary("ack-without-term-check", "the runtime tells a client its command applied when another leader's entry took its log slot", new RaftBugs { AckWithoutTermCheck = true }),
        new Canary("corrupt-length-as-torn-tail", "the disk reader takes a record whose length word is corrupt for a torn tail and truncates the log there, even below the sync watermark", new RaftBugs { CorruptLengthAsTornTail = true }),
        new Canary("lost-write-as-end-of-log", "the disk reader takes an unwritten slot (a lost write) for the end of the log, ignoring the sync watermark", new RaftBugs { HoleAsEndOfLog = true }),
        new Canary("skip-checksum", "frames and disk records are decoded without checking their CRC, so corrupt records are applied", new RaftBugs { SkipChecksum = true }),
        new Canary("forward-ack-before-apply", "a follower acknowledges a forwarded proposal when its entry reaches the follower's log, before it is committed and applied", new RaftBugs { ForwardAckBeforeApply = true }),
        new Canary("transfer-without-catchup", "a leader transfer sends TimeoutNow before the target has caught up, and voters trust the transfer flag in place of the §5.4.1 up-to-date check", new RaftBugs { TransferWithoutCatchup = true }),
        new Canary("follower-read-before-readindex", "a follower serves a forwarded linearizable read when the leader answers, before applying up to the read index [--workload kv]", new RaftBugs { FollowerReadBeforeReadIndex = true }, new KvBugs()),
        new Canary("reentrant-apply-skip", "the runtime carries out an input that arrives from inside an output handler at once, mid-Ready, so applies are skipped or reordered (seen with disks that complete inside Submit and synchronous networks)", new RaftBugs { ReentrantInputs = true }),
        new Canary("accept-out-of-order-completion", "the runtime takes any disk completion as the oldest pending write's, and the disk completes syncs out of order, so acknowledgements leave for writes that are not durable", new RaftBugs { AcceptOutOfOrderCompletion = true }),
        new Canary("readindex-before-term-commit", "a new leader serves ReadIndex before it has committed an entry of its own term (Raft thesis §6.4) [--workload kv]", new RaftBugs { ReadIndexBeforeTermCommit = true }, KvBugs.None),
        new Canary("compact-past-durable-applied", "the runtime compacts the Raft log past the index the state machine's durable store committed, so a restart cannot replay what the store lost [--workload kv --store sqlite]", new RaftBugs { CompactPastDurableApplied = true }, new KvBugs(), "sqlite"),
        new Canary("snapshot-install-unverified", "a follower installs an assembled snapshot without checking the whole snapshot's CRC-32C, while leaders read snapshot chunks damaged before their own checksum is computed", new RaftBugs { SnapshotInstallUnverified = true }),
        new Canary("snapshot-window-overrun", "a leader ignores its snapshot window and receipts, sending the rest of the snapshot at once [--workload kv-large]", new RaftBugs { SnapshotWindowOverrun = true }, NeedsWorkload: "kv-large"),
        Kv("read-without-readindex", "the leader answers linearizable reads from local state without a ReadIndex round", new KvBugs { ReadWithoutReadIndex = true }),
        Kv("follower-linearizable-read", "a follower answers linearizable reads from its own, possibly stale, state", new KvBugs { FollowerLinearizableRead = true }),
        Kv("skip-dedup", "a retried session command is applied again instead of answered from the session cache", new KvBugs { SkipDeduplication = true }),
        Kv("non-atomic-txn", "each write of a txn commits its own revision", new KvBugs { NonAtomicTxn = true }),
        Kv("watch-drops-event", "the watch hub silently skips every 7th event", new KvBugs { WatchDropsEvent = true }),
        Kv("snapshot-without-sessions", "snapshots leave out the exactly-once session table, so a node restored from one forgets every session", new KvBugs { SnapshotWithoutSessions = true }),
        Kv("admit-pending-request-id", "the KV service admits a request id that a pending read still holds", new KvBugs { AdmitPendingRequestId = true }),
        Kv("local-lease-expiry", "the leader revokes expired leases in its own state instead of through the log", new KvBugs { LocalLeaseExpiry = true }),
        Kv("restore-drops-lease-key", "a replica restoring a snapshot leaves one leased key unattached to its lease", new KvBugs { RestoreDropsLeaseKey = true }),
        Kv("lease-expires-early", "the lessor measures TTLs on the raw local clock with no drift allowance, so a fast leader clock expires leases early", new KvBugs { LeaseExpiresEarly = true }),
        Kv("watch-stream-stalls", "watch hubs stop delivering events past revision 100 while watchers stay open", new KvBugs { WatchStreamStalls = true }),
        Kv("read-reply-ahead", "a linearizable range reply claims a revision above the node's applied one while entries are committed but not applied", new KvBugs { ReadReplyAheadOfApplied = true }),
        Kv("forward-reply-to-wrong-request", "a follower relays the leader's answer to a forwarded lease request to its latest pending write instead of the request it answers", new KvBugs { ForwardReplyToWrongRequest = true }),
        Kv("follower-keepalive-without-leader", "a follower answers lease keep-alives from its applied state without forwarding them to the leader's lessor", new KvBugs { FollowerKeepAliveWithoutLeader = true }),
    };

    private static Canary Kv(string name, string description, KvBugs bugs) =>
        new(name, description + " [--workload kv]", RaftBugs.None, bugs);

    /// <summary>Finds a canary by name, or throws <see cref="ArgumentException"/> listing the valid names.</summary>
    public static Canary Find(string name) =>
        All.FirstOrDefault(c => c.Name == name)
        ?? throw new ArgumentException($"unknown bug '{name}'; known: {string.Join(", ", All.Select(c => c.Name))}");
}
