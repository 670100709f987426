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

    /// <summary>A follower relays the leader's answer to a forwarded lease request to the node's latest pending
    /// write (put, delete, txn) instead of the request the answer belongs to.</summary>
    internal bool ForwardReplyToWrongRequest { get; init; }

    /// <summary>Period of <see cref="WatchDropsEvent"/>.</summary>
    internal int WatchDropEveryNth { get; init; } = 7;
}
