using Cairn.Core.Kv;
using Cairn.Core.Kv.Service;
using Cairn.Core.Kv.Wire;
using Google.Protobuf;
using Xunit;

namespace Cairn.Simulation.Tests.Kv.Service;

/// <summary>The KV service of one node over a scripted cluster: sessions, reads, leases.</summary>
public class KvNodeTests
{
    private ulong _requestId;

    private static ByteString B(string s) => ByteString.CopyFromUtf8(s);

    private KvReply Call(ServiceCluster cluster, ServiceCluster.Member at, Action<KvNode, ulong> request)
    {
        ulong id = ++_requestId;
        request(at.Kv!, id);
        cluster.Pump();
        Assert.True(at.Replies.TryGetValue(id, out KvReply reply), $"request {id} at node {at.Id} got no reply");
        return reply;
    }

    private ulong Register(ServiceCluster cluster, ServiceCluster.Member at) =>
        Call(cluster, at, (kv, id) => kv.RegisterSession(id)).Result!.RegisterSession.ClientId;

    private static KeyValue? Get(ServiceCluster.Member m, string key) =>
        m.Kv!.StateMachine.Read(new RangeRequest { Key = B(key) }).Range.Kvs.SingleOrDefault();

    /// <summary>Raft dissertation §6.3: a command retried with the same session stamp on a new leader is
    /// answered from the replicated session table, not applied again.</summary>
    [Fact]
    public void RetryAfterLeaderChange_IsAppliedOnce()
    {
        var cluster = new ServiceCluster(3);
        var leader = cluster.ElectLeader();
        ulong client = Register(cluster, leader);
        var stamp = new SessionStamp(client, 1);
        var put = new PutRequest { Key = B("x"), Value = B("1") };
        KvReply first = Call(cluster, leader, (kv, id) => kv.Put(id, put, stamp));
        Assert.Equal(KvReplyStatus.Ok, first.Status);

        cluster.Isolate(leader.Id); // the client never saw the reply; the leader is cut off
        var next = cluster.ElectLeader();
        Assert.NotEqual(leader.Id, next.Id);
        KvReply retry = Call(cluster, next, (kv, id) => kv.Put(id, put, stamp));

        Assert.Equal(KvReplyStatus.Ok, retry.Status);
        Assert.Equal(first.Result!.Put.Header.Revision, retry.Result!.Put.Header.Revision);
        Assert.Equal(1, Get(next, "x")!.Version);
    }

    /// <summary>The session table is replicated state: it survives a restart of every node.</summary>
    [Fact]
    public void RetryAfterFullRestart_IsAppliedOnce()
    {
        var cluster = new ServiceCluster(3);
        var leader = cluster.ElectLeader();
        ulong client = Register(cluster, leader);
        var stamp = new SessionStamp(client, 1);
        var txn = new TxnRequest();
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = B("a"), Value = B("1") } });
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = B("b"), Value = B("1") } });
        KvReply first = Call(cluster, leader, (kv, id) => kv.Txn(id, txn, stamp));

        foreach (var m in cluster.Members.ToList()) cluster.Crash(m.Id);
        foreach (var m in cluster.Members.ToList()) cluster.Restart(m.Id);
        var next = cluster.ElectLeader();
        KvReply retry = Call(cluster, next, (kv, id) => kv.Txn(id, txn, stamp));

        Assert.Equal(first.Result, retry.Result);
        Assert.Equal(1, Get(next, "a")!.Version);
        Assert.Equal(1, Get(next, "b")!.Version);
    }

    /// <summary>The same retry with the skip-dedup canary applies twice: the test can fail.</summary>
    [Fact]
    public void SkipDeduplicationCanary_AppliesTwice()
    {
        var cluster = new ServiceCluster(3, bugs: new KvBugs { SkipDeduplication = true });
        var leader = cluster.ElectLeader();
        var stamp = new SessionStamp(Register(cluster, leader), 1);
        var put = new PutRequest { Key = B("x"), Value = B("1") };
        Call(cluster, leader, (kv, id) => kv.Put(id, put, stamp));
        Call(cluster, leader, (kv, id) => kv.Put(id, put, stamp));
        Assert.Equal(2, Get(leader, "x")!.Version);
    }

    /// <summary>Serializable reads answer from local state (stale on a cut-off follower); linearizable
    /// reads at the leader see every acknowledged write.</summary>
    [Fact]
    public void SerializableRead_MayBeStale_LinearizableReadIsNot()
    {
        var cluster = new ServiceCluster(3);
        var leader = cluster.ElectLeader();
        var follower = cluster.Members.First(m => m.Id != leader.Id);
        Call(cluster, leader, (kv, id) => kv.Put(id, new PutRequest { Key = B("x"), Value = B("old") }));
        cluster.Advance(200); // the follower learns the commit index with the next heartbeat
        cluster.Isolate(follower.Id);
        Call(cluster, leader, (kv, id) => kv.Put(id, new PutRequest { Key = B("x"), Value = B("new") }));

        KvReply stale = Call(cluster, follower, (kv, id) => kv.Range(id, new RangeRequest { Key = B("x"), Serializable = true }));
        KvReply fresh = Call(cluster, leader, (kv, id) => kv.Range(id, new RangeRequest { Key = B("x") }));

        Assert.Equal("old", stale.Result!.Range.Kvs.Single().Value.ToStringUtf8());
        Assert.Equal("new", fresh.Result!.Range.Kvs.Single().Value.ToStringUtf8());
    }

    /// <summary>A leader cut off from its quorum cannot confirm a ReadIndex round, so it never serves a
    /// linearizable read while a new leader accepts writes; the read ends as NotLeader.</summary>
    [Fact]
    public void LinearizableRead_OnDeposedLeader_IsNeverServed()
    {
        var cluster = new ServiceCluster(3);
        var old = cluster.ElectLeader();
        Call(cluster, old, (kv, id) => kv.Put(id, new PutRequest { Key = B("x"), Value = B("1") }));
        cluster.Isolate(old.Id);
        ulong read = ++_requestId;
        old.Kv!.Range(read, new RangeRequest { Key = B("x") });
        var next = cluster.ElectLeader();
        Call(cluster, next, (kv, id) => kv.Put(id, new PutRequest { Key = B("x"), Value = B("2") }));
        cluster.Advance(3000);
        Assert.True(old.Replies.TryGetValue(read, out KvReply reply));
        Assert.Equal(KvReplyStatus.NotLeader, reply.Status);
    }

    /// <summary>An expired lease is revoked through the log: every replica loses the lease and its keys at
    /// the same revision.</summary>
    [Fact]
    public void LeaseExpiry_IsReplicated()
    {
        var cluster = new ServiceCluster(3);
        var leader = cluster.ElectLeader();
        long lease = Call(cluster, leader, (kv, id) => kv.LeaseGrant(id, new LeaseGrantRequest { TTL = 2 })).Result!.LeaseGrant.ID;
        Call(cluster, leader, (kv, id) => kv.Put(id, new PutRequest { Key = B("lock"), Value = B("me"), Lease = lease }));
        cluster.Advance(1000);
        Assert.All(cluster.Members, m => Assert.NotNull(Get(m, "lock")));

        cluster.Advance(2500);

        Assert.All(cluster.Members, m => Assert.Null(Get(m, "lock")));
        Assert.All(cluster.Members, m => Assert.Equal(0, m.Kv!.StateMachine.Leases.Count));
        Assert.Single(cluster.Members.Select(m => m.Kv!.StateMachine.Revision).Distinct());
    }

    /// <summary>The local-lease-expiry canary revokes only on the leader: the replicas diverge.</summary>
    [Fact]
    public void LocalLeaseExpiryCanary_Diverges()
    {
        var cluster = new ServiceCluster(3, bugs: new KvBugs { LocalLeaseExpiry = true });
        var leader = cluster.ElectLeader();
        long lease = Call(cluster, leader, (kv, id) => kv.LeaseGrant(id, new LeaseGrantRequest { TTL = 2 })).Result!.LeaseGrant.ID;
        Call(cluster, leader, (kv, id) => kv.Put(id, new PutRequest { Key = B("lock"), Value = B("me"), Lease = lease }));
        cluster.Advance(3500);
        Assert.Null(Get(leader, "lock"));
        Assert.Contains(cluster.Members, m => Get(m, "lock") is not null);
    }

    /// <summary>Keep-alive renews at the leader's lessor (etcd: leader-only lessor); a follower forwards it there.</summary>
    [Fact]
    public void KeepAlive_RenewsAtLeader_FollowerForwards()
    {
        var cluster = new ServiceCluster(3);
        var leader = cluster.ElectLeader();
        var follower = cluster.Members.First(m => m.Id != leader.Id);
        long lease = Call(cluster, leader, (kv, id) => kv.LeaseGrant(id, new LeaseGrantRequest { TTL = 2 })).Result!.LeaseGrant.ID;
        for (int i = 0; i < 4; i++)
        {
            cluster.Advance(1500);
            KvReply renewed = Call(cluster, leader, (kv, id) => kv.LeaseKeepAlive(id, new LeaseKeepAliveRequest { ID = lease }));
            Assert.Equal(2, renewed.Result!.LeaseKeepAlive.TTL);
        }
        KvReply forwarded = Call(cluster, follower, (kv, id) => kv.LeaseKeepAlive(id, new LeaseKeepAliveRequest { ID = lease }));
        Assert.Equal(KvReplyStatus.Ok, forwarded.Status);
        Assert.Equal(2, forwarded.Result!.LeaseKeepAlive.TTL);
        Assert.Equal(1, follower.Kv!.StateMachine.Leases.Count);
    }

    /// <summary>The lessor counts each tick's clock step only up to LessorStepMaxMs: a forward clock jump
    /// makes a lease live longer, never expire early.</summary>
    [Fact]
    public void ClockJumpForward_DoesNotExpireLease()
    {
        var cluster = new ServiceCluster(3);
        var leader = cluster.ElectLeader();
        long lease = Call(cluster, leader, (kv, id) => kv.LeaseGrant(id, new LeaseGrantRequest { TTL = 5 })).Result!.LeaseGrant.ID;
        leader.ClockMs += 3_600_000;
        cluster.Advance(300);
        Assert.All(cluster.Members, m => Assert.True(m.Kv!.StateMachine.Leases.Contains(lease)));
        leader.ClockMs -= 7_200_000; // and backwards: no time at all
        cluster.Advance(300);
        Assert.All(cluster.Members, m => Assert.True(m.Kv!.StateMachine.Leases.Contains(lease)));
    }

    /// <summary>A new leader restarts every lease at its full TTL (etcd's Promote), so a leader change never
    /// shortens a lease.</summary>
    [Fact]
    public void LeaderChange_RestartsLeasesAtFullTtl()
    {
        var cluster = new ServiceCluster(3);
        var leader = cluster.ElectLeader();
        long lease = Call(cluster, leader, (kv, id) => kv.LeaseGrant(id, new LeaseGrantRequest { TTL = 3 })).Result!.LeaseGrant.ID;
        cluster.Advance(2000);
        cluster.Isolate(leader.Id);
        var next = cluster.ElectLeader();
        cluster.Advance(2000);
        Assert.True(next.Kv!.StateMachine.Leases.Contains(lease));
        cluster.Advance(2000);
        Assert.False(next.Kv!.StateMachine.Leases.Contains(lease));
    }

    /// <summary>A watch continued on another node from last seen + 1 neither repeats nor skips an event.</summary>
    [Fact]
    public void WatchContinuedOnAnotherNode_IsSeamless()
    {
        var cluster = new ServiceCluster(3);
        var leader = cluster.ElectLeader();
        var a = cluster.Members.First(m => m.Id != leader.Id);
        var b = cluster.Members.Last(m => m.Id != leader.Id);
        a.Kv!.WatchCreate(new WatchCreateRequest { Key = B("k"), PrevKv = true, WatchId = 7 });
        Call(cluster, leader, (kv, id) => kv.Put(id, new PutRequest { Key = B("k"), Value = B("1") }));
        Call(cluster, leader, (kv, id) => kv.Put(id, new PutRequest { Key = B("k"), Value = B("2") }));
        cluster.Advance(200);
        long last = a.Watch.Where(r => r.Events.Count > 0).Max(r => r.Header.Revision);
        cluster.Crash(a.Id);
        Call(cluster, leader, (kv, id) => kv.Put(id, new PutRequest { Key = B("k"), Value = B("3") }));
        b.Kv!.WatchCreate(new WatchCreateRequest { Key = B("k"), PrevKv = true, WatchId = 7, StartRevision = last + 1 });
        cluster.Advance(200);

        var values = a.Watch.Concat(b.Watch).SelectMany(r => r.Events).Select(e => e.Kv.Value.ToStringUtf8()).ToList();
        Assert.Equal(["1", "2", "3"], values);
        Assert.Equal("2", b.Watch.SelectMany(r => r.Events).Single().PrevKv.Value.ToStringUtf8());
    }
}
