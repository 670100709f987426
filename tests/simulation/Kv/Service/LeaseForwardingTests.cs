using Cairn.Core.Kv;
using Cairn.Core.Kv.Service;
using Cairn.Core.Kv.Wire;
using Cairn.Core.Raft;
using Google.Protobuf;
using Xunit;

namespace Cairn.Simulation.Tests.Kv.Service;

/// <summary>
/// Lease keep-alive and time-to-live on any member (etcd forwards them to the leader's lessor): a follower
/// forwards them through the Raft core, relays the leader's answer once, and fails them with NotLeader promptly
/// when there is no leader to answer.
/// </summary>
public class LeaseForwardingTests
{
    private ulong _requestId;

    private KvReply Call(ServiceCluster cluster, ServiceCluster.Member at, Action<KvNode, ulong> request)
    {
        ulong id = ++_requestId;
        request(at.Kv!, id);
        cluster.Pump();
        Assert.True(at.Replies.TryGetValue(id, out KvReply reply), $"request {id} at node {at.Id} got no reply");
        return reply;
    }

    private static (ServiceCluster.Member Leader, ServiceCluster.Member Follower) Elect(ServiceCluster cluster)
    {
        var leader = cluster.ElectLeader();
        cluster.Advance(200); // followers learn the leader
        return (leader, cluster.Members.First(m => m.Id != leader.Id));
    }

    private long Grant(ServiceCluster cluster, ServiceCluster.Member at, long ttl) =>
        Call(cluster, at, (kv, id) => kv.LeaseGrant(id, new LeaseGrantRequest { TTL = ttl })).Result!.LeaseGrant.ID;

    /// <summary>Keep-alives sent only to a follower keep a lease alive well past its TTL: they renew the
    /// leader's lessor, and the answer carries the leader's header.</summary>
    [Fact]
    public void KeepAlive_OnFollower_RenewsTheLeadersLease()
    {
        var cluster = new ServiceCluster(3);
        var (leader, follower) = Elect(cluster);
        long lease = Grant(cluster, leader, 2);
        for (int i = 0; i < 5; i++)
        {
            cluster.Advance(1500);
            KvReply renewed = Call(cluster, follower, (kv, id) => kv.LeaseKeepAlive(id, new LeaseKeepAliveRequest { ID = lease }));
            Assert.Equal(KvReplyStatus.Ok, renewed.Status);
            Assert.Equal((lease, 2L), (renewed.Result!.LeaseKeepAlive.ID, renewed.Result.LeaseKeepAlive.TTL));
            Assert.Equal(leader.Id, renewed.Result.LeaseKeepAlive.Header.MemberId);
        }
        Assert.All(cluster.Members, m => Assert.Equal(1, m.Kv!.StateMachine.Leases.Count)); // 7.5 s > TTL 2 s
        Assert.Equal(0, follower.Kv!.PendingForwards);
    }

    /// <summary>Time-to-live on a follower is the leader lessor's answer: remaining time of a live lease,
    /// -1 for an unknown one.</summary>
    [Fact]
    public void TimeToLive_OnFollower_IsTheLeadersAnswer()
    {
        var cluster = new ServiceCluster(3);
        var (leader, follower) = Elect(cluster);
        long lease = Grant(cluster, leader, 10);
        cluster.Advance(2000);

        LeaseTimeToLiveResponse live = Call(cluster, follower, (kv, id) => kv.LeaseTimeToLive(id, new LeaseTimeToLiveRequest { ID = lease })).Result!.LeaseTimeToLive;
        Assert.Equal(10, live.GrantedTTL);
        Assert.InRange(live.TTL, 1, 9);
        LeaseTimeToLiveResponse unknown = Call(cluster, follower, (kv, id) => kv.LeaseTimeToLive(id, new LeaseTimeToLiveRequest { ID = lease + 100 })).Result!.LeaseTimeToLive;
        Assert.Equal(-1, unknown.TTL);
    }

    /// <summary>A follower cut off from its leader answers NotLeader within ForwardedRequestElectionsMax
    /// election timeouts, never leaving the request pending.</summary>
    [Fact]
    public void KeepAlive_OnFollower_FailsNotLeaderPromptly_WhenTheLeaderIsLost()
    {
        var cluster = new ServiceCluster(3);
        var (leader, follower) = Elect(cluster);
        long lease = Grant(cluster, leader, 5);
        cluster.Isolate(leader.Id);
        ulong id = ++_requestId;
        follower.Kv!.LeaseKeepAlive(id, new LeaseKeepAliveRequest { ID = lease });
        cluster.Pump();
        Assert.False(follower.Replies.ContainsKey(id));

        int ticks = 0;
        int ticksMax = RaftNode.ForwardedRequestElectionsMax * new RaftOptions { Id = 1, Peers = [1] }.ElectionTicks;
        while (!follower.Replies.ContainsKey(id) && ticks++ < ticksMax)
        {
            cluster.Advance(100);
        }
        Assert.Equal(KvReplyStatus.NotLeader, follower.Replies[id].Status);
        Assert.False(follower.Kv.Runtime.IsRequestPending(id));
        Assert.Equal(0, follower.Kv.PendingForwards);
    }

    /// <summary>With no leader known at all the follower answers NotLeader at once.</summary>
    [Fact]
    public void KeepAlive_WithoutAKnownLeader_FailsNotLeaderAtOnce()
    {
        var cluster = new ServiceCluster(3);
        ulong id = ++_requestId;
        cluster[2].Kv!.LeaseKeepAlive(id, new LeaseKeepAliveRequest { ID = 1 });
        Assert.Equal(KvReplyStatus.NotLeader, cluster[2].Replies[id].Status);
    }

    /// <summary>A network that delivers every frame twice: each forwarded request is answered exactly once.</summary>
    [Fact]
    public void DuplicatedFrames_DoNotDoubleAnswer()
    {
        var cluster = new ServiceCluster(3);
        var (leader, follower) = Elect(cluster);
        long lease = Grant(cluster, leader, 5);
        cluster.DuplicateFrames = true;
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(KvReplyStatus.Ok, Call(cluster, follower, (kv, id) => kv.LeaseKeepAlive(id, new LeaseKeepAliveRequest { ID = lease })).Status);
            Assert.Equal(KvReplyStatus.Ok, Call(cluster, follower, (kv, id) => kv.LeaseTimeToLive(id, new LeaseTimeToLiveRequest { ID = lease })).Status);
            cluster.Advance(300);
        }
        Assert.All(follower.ReplyCounts.Values, count => Assert.Equal(1, count));
    }

    /// <summary>The canary forward-reply-to-wrong-request: the leader's answer lands on a pending write of the
    /// follower, which is answered with a keep-alive response while its own commit is still to come.</summary>
    [Fact(Skip = "Since the leader broadcasts commits at once (i3), the isolated follower's put is answered before the keep-alive; the scenario must hold the put pending another way. KvCanaryTests still proves the canary is caught.")]
    public void Canary_ForwardReplyToWrongRequest_AnswersTheWrongRequest()
    {
        var cluster = new ServiceCluster(3, bugs: new KvBugs { ForwardReplyToWrongRequest = true });
        var (leader, follower) = Elect(cluster);
        long lease = Grant(cluster, leader, 5);
        cluster.Isolate(follower.Id); // the write stays pending at the follower
        ulong put = ++_requestId;
        follower.Kv!.Put(put, new PutRequest { Key = ByteString.CopyFromUtf8("x"), Value = ByteString.CopyFromUtf8("1") });
        cluster.Heal();
        ulong keepAlive = ++_requestId;
        follower.Kv.LeaseKeepAlive(keepAlive, new LeaseKeepAliveRequest { ID = lease });
        cluster.Pump();

        Assert.Equal(KvResult.ResultOneofCase.LeaseKeepAlive, follower.Replies[put].Result!.ResultCase);
        Assert.False(follower.Replies.ContainsKey(keepAlive));
    }
}
