namespace Cairn.Core.Kv;

/// <summary>Options of the leader-side <see cref="Lessor"/> (local, not replicated).</summary>
public sealed record LessorOptions
{
    /// <summary>The default options.</summary>
    public static readonly LessorOptions Default = new();

    /// <summary>How long after reporting an expired lease it is reported again if its revoke has not
    /// been applied by then (etcd's expiredLeaseRetryInterval, 3 s).</summary>
    public long ExpiredRetryMs { get; init; } = 3000;

    /// <summary>The fastest the leader's clock may run against true time, in parts per million. Every TTL
    /// the lessor measures is stretched by this rate, so a leader clock running that much fast still
    /// keeps a lease for its full TTL of true time (a lease may outlive its TTL, never fall short of it).
    /// Default 50 000 ppm (5 %), the simulator's worst drift; a host with disciplined clocks may lower it.</summary>
    public long ClockDriftMaxPpm { get; init; } = 50_000;

    /// <summary>Added to every expiry: covers the lessor clock being read at the last tick rather than at
    /// the moment a keep-alive is answered (one tick step at most). Default 200 ms (two 100 ms ticks).</summary>
    public long ExpiryMarginMs { get; init; } = 200;

    /// <summary>Most expired leases one <see cref="Lessor.Tick"/> reports (etcd revokes at most
    /// 1000 per second by default).</summary>
    public int ExpiredPerTickMax { get; init; } = 1000;
}
