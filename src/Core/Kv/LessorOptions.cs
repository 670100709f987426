namespace Cairn.Core.Kv;

/// <summary>Options of the leader-side <see cref="Lessor"/> (local, not replicated).</summary>
public sealed record LessorOptions
{
    /// <summary>The default options.</summary>
    public static readonly LessorOptions Default = new();

    /// <summary>How long after reporting an expired lease it is reported again if its revoke has not
    /// been applied by then (etcd's expiredLeaseRetryInterval, 3 s).</summary>
    public long ExpiredRetryMs { get; init; } = 3000;

    /// <summary>Most expired leases one <see cref="Lessor.Tick"/> reports (etcd revokes at most
    /// 1000 per second by default).</summary>
    public int ExpiredPerTickMax { get; init; } = 1000;
}
