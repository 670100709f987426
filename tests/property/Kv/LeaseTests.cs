using Cairn.Core.Kv;
using Cairn.Core.Kv.Wire;
using Xunit;
using static Cairn.Property.Tests.Kv.Kv;

namespace Cairn.Property.Tests.Kv;

/// <summary>Replicated lease commands and the leader-side lessor.</summary>
public sealed class LeaseTests
{
    private readonly KvReplica _kv = new();

    /// <summary>How long a 5 s lease runs on the lessor's clock: stretched by the drift allowance, plus the tick margin.</summary>
    private static readonly long Span5 = 5_000 + (5_000 * LessorOptions.Default.ClockDriftMaxPpm / 1_000_000) + LessorOptions.Default.ExpiryMarginMs;

    [Fact]
    public void Revoking_a_lease_deletes_its_keys_in_one_revision()
    {
        long id = _kv.Apply(Grant(10)).LeaseGrant.ID;
        _kv.Apply(Put("a", "1", id));
        _kv.Apply(Put("b", "1", id));
        _kv.Apply(Put("c", "1", id));
        _kv.Apply(Put("c", "2")); // detaches c
        KvResult revoked = _kv.Apply(Revoke(id));
        Assert.Equal(6, revoked.LeaseRevoke.Header.Revision); // puts at 2..5, grants do not bump the revision
        RangeResponse left = _kv.Read(Get("a", "\0")).Range;
        Assert.Equal("c", left.Kvs.Single().Key.ToStringUtf8());
        Assert.Equal(KvErrorCode.LeaseNotFound, _kv.Apply(Revoke(id)).Error.Code);
    }

    [Fact]
    public void Grant_picks_ids_deterministically_raises_short_ttls_and_refuses_existing_ids()
    {
        LeaseGrantResponse first = _kv.Apply(Grant(1)).LeaseGrant;
        Assert.Equal((1L, KvOptions.Default.LeaseTtlMinSeconds), (first.ID, first.TTL));
        Assert.Equal(2, _kv.Apply(Grant(10)).LeaseGrant.ID);
        Assert.Equal(KvErrorCode.LeaseExists, _kv.Apply(Grant(10, id: 2)).Error.Code);
        Assert.Equal(KvErrorCode.LeaseNotFound, _kv.Apply(Put("a", "1", lease: 42)).Error.Code);
    }

    [Fact]
    public void Lessor_reports_expiry_only_on_the_leader_and_keepalive_extends_it()
    {
        long id = _kv.Apply(Grant(5)).LeaseGrant.ID;
        Lessor lessor = _kv.Machine.Lessor;
        Assert.Empty(lessor.Tick(100_000));
        Assert.Throws<KvRequestException>(() => lessor.KeepAlive(new LeaseKeepAliveRequest { ID = id }));
        lessor.Promote(0);
        Assert.Empty(lessor.Tick(4_000));
        Assert.Equal(5, lessor.KeepAlive(new LeaseKeepAliveRequest { ID = id }).TTL);
        Assert.Empty(lessor.Tick(4_000 + Span5 - 1));
        Assert.Equal(new[] { id }, lessor.Tick(4_000 + Span5));
        Assert.Empty(lessor.Tick(4_000 + Span5 + 1)); // reported once, retried later
        Assert.Equal(0, lessor.KeepAlive(new LeaseKeepAliveRequest { ID = id }).TTL); // never revived
        Assert.Equal(new[] { id }, lessor.Tick(4_000 + Span5 + LessorOptions.Default.ExpiredRetryMs)); // revoke not applied yet: reported again
        _kv.Apply(new KvCommand { LeaseExpire = new LeaseExpireRequest { ID = id } });
        Assert.Empty(lessor.Tick(60_000));
        Assert.Equal(0, _kv.Machine.Leases.Count);
    }

    [Fact]
    public void Lessor_treats_a_backward_clock_jump_as_no_elapsed_time()
    {
        long id = _kv.Apply(Grant(5)).LeaseGrant.ID;
        Lessor lessor = _kv.Machine.Lessor;
        lessor.Promote(1_000_000);
        Assert.Empty(lessor.Tick(0));
        Assert.Empty(lessor.Tick(Span5 - 1));
        Assert.Equal(new[] { id }, lessor.Tick(Span5));
    }

    [Fact]
    public void New_leader_restarts_every_lease_at_its_full_ttl()
    {
        long id = _kv.Apply(Grant(5)).LeaseGrant.ID;
        Lessor lessor = _kv.Machine.Lessor;
        lessor.Promote(0);
        lessor.Tick(4_000);
        lessor.Demote();
        lessor.Promote(4_500);
        Assert.Equal(5, lessor.TimeToLive(new LeaseTimeToLiveRequest { ID = id }).TTL);
        Assert.Empty(lessor.Tick(4_500 + Span5 - 1));
        Assert.Equal(new[] { id }, lessor.Tick(4_500 + Span5));
    }

    /// <summary>Issue 7 §3: a leader clock running 5 % fast (the nemesis' worst drift) still keeps a lease for
    /// its whole TTL of true time: after 5 s of true time it has read 5.25 s, and the lease is not expired.</summary>
    [Fact]
    public void Lessor_with_a_fast_clock_never_expires_a_lease_before_its_ttl()
    {
        long id = _kv.Apply(Grant(5)).LeaseGrant.ID;
        Lessor lessor = _kv.Machine.Lessor;
        lessor.Promote(0);
        long fastReadingAfterTtl = 5_000 * (1_000_000 + LessorOptions.Default.ClockDriftMaxPpm) / 1_000_000;
        Assert.Empty(lessor.Tick(fastReadingAfterTtl));
        Assert.Equal(5, lessor.TimeToLive(new LeaseTimeToLiveRequest { ID = id }).GrantedTTL);
    }

    [Fact]
    public void Time_to_live_lists_attached_keys_and_unknown_leases_get_minus_one()
    {
        long id = _kv.Apply(Grant(30)).LeaseGrant.ID;
        _kv.Apply(Put("k", "v", id));
        Lessor lessor = _kv.Machine.Lessor;
        lessor.Promote(0);
        LeaseTimeToLiveResponse ttl = lessor.TimeToLive(new LeaseTimeToLiveRequest { ID = id, Keys = true });
        Assert.Equal((30L, 30L, "k"), (ttl.TTL, ttl.GrantedTTL, ttl.Keys.Single().ToStringUtf8()));
        Assert.Equal(-1, lessor.TimeToLive(new LeaseTimeToLiveRequest { ID = 77 }).TTL);
        Assert.Equal(id, _kv.Machine.ListLeases().Leases.Single().ID);
    }

    /// <summary>etcd answers int64(Remaining().Seconds()): whole seconds truncated, the lessor's margins are not the
    /// client's; so 4 once any time has passed on a 5 s lease, 0 (not negative) past its TTL.</summary>
    [Fact]
    public void Time_to_live_is_the_remaining_ttl_truncated_to_whole_seconds()
    {
        long id = _kv.Apply(Grant(5)).LeaseGrant.ID;
        Lessor lessor = _kv.Machine.Lessor;
        lessor.Promote(0);
        lessor.Tick(100);
        Assert.Equal(4, lessor.TimeToLive(new LeaseTimeToLiveRequest { ID = id }).TTL);
        lessor.Tick(5_000);
        Assert.Equal(0, lessor.TimeToLive(new LeaseTimeToLiveRequest { ID = id }).TTL);
    }

    [Fact]
    public void Lease_attachments_survive_snapshot_restore()
    {
        long id = _kv.Apply(Grant(30)).LeaseGrant.ID;
        _kv.Apply(Put("k", "v", id));
        var restored = new KvReplica { Index = _kv.Index };
        restored.Machine.RestoreSnapshot(_kv.Machine.TakeSnapshot());
        restored.Apply(Revoke(id));
        Assert.Equal(0, restored.Read(Get("k")).Range.Count);
        Assert.Equal(2, restored.Apply(Grant(30)).LeaseGrant.ID); // the id counter is restored too
    }
}
