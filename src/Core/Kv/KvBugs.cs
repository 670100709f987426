namespace Cairn.Core.Kv;

/// <summary>
/// Planted KV bugs (canaries) that prove the simulator's checkers can fail. All off by default;
/// internal so only the simulator and tests (InternalsVisibleTo) can switch them on.
/// </summary>
internal sealed class KvBugs
{
    /// <summary>No canary on.</summary>
    internal static readonly KvBugs None = new();

    /// <summary>Duplicate session commands are applied again instead of answered from the cache.</summary>
    internal bool SkipDeduplication { get; init; }

    /// <summary>Each write op of a txn commits its own revision (txn no longer atomic).</summary>
    internal bool NonAtomicTxn { get; init; }

    /// <summary>The watch hub silently skips every <see cref="WatchDropEveryNth"/>-th event.</summary>
    internal bool WatchDropsEvent { get; init; }

    /// <summary>The leader answers linearizable reads from its local state without a ReadIndex round
    /// (a deposed leader, or a new one that has not applied everything committed, serves stale data).</summary>
    internal bool ReadWithoutReadIndex { get; init; }

    /// <summary>A follower answers linearizable reads from its local (possibly lagging) state instead of
    /// refusing with NotLeader.</summary>
    internal bool FollowerLinearizableRead { get; init; }

    /// <summary>The leader revokes expired leases in its own state machine instead of proposing
    /// lease_expire through the log, so replicas diverge.</summary>
    internal bool LocalLeaseExpiry { get; init; }

    /// <summary>Snapshots leave out the session table, so a node restored from one (restart or install)
    /// has forgotten every client session and refuses or re-applies their retries.</summary>
    internal bool SnapshotWithoutSessions { get; init; }

    /// <summary>A replica restoring a snapshot leaves the first leased key unattached to its lease (the
    /// store still holds it), so the replica's lease table silently differs from the others'.</summary>
    internal bool RestoreDropsLeaseKey { get; init; }

    /// <summary>The lessor measures a lease's TTL with its raw local clock and no allowance for drift, so a
    /// fast leader clock expires leases before their TTL has run in true time.</summary>
    internal bool LeaseExpiresEarly { get; init; }

    /// <summary>Watch hubs silently stop delivering events of revisions above
    /// <see cref="WatchStallAfterRevision"/> (watchers stay open, progress stops while the history goes on).</summary>
    internal bool WatchStreamStalls { get; init; }

    /// <summary>The last revision <see cref="WatchStreamStalls"/> still delivers.</summary>
    internal long WatchStallAfterRevision { get; init; } = 100;

    /// <summary>A linearizable range reply's header claims the node's commit index as its revision
    /// source: it carries a revision one above the replying node's applied revision.</summary>
    internal bool ReadReplyAheadOfApplied { get; init; }

    /// <summary>The service admits a request id that a pending read still holds, so two requests share one id
    /// and a reply can reach the wrong one (issue 7: a reused id turned a committed put into a rejection).</summary>
    internal bool AdmitPendingRequestId { get; init; }

    /// <summary>A follower relays the leader's answer to a forwarded lease request to the node's latest pending
    /// write (put, delete, txn) instead of the request the answer belongs to.</summary>
    internal bool ForwardReplyToWrongRequest { get; init; }

    /// <summary>A follower answers a lease keep-alive from its applied lease table (the granted TTL) instead of
    /// forwarding it, so the leader's lessor is never renewed and expires a lease the client believes renewed.</summary>
    internal bool FollowerKeepAliveWithoutLeader { get; init; }

    /// <summary>Period of <see cref="WatchDropsEvent"/>.</summary>
    internal int WatchDropEveryNth { get; init; } = 7;
}
