using Cairn.Core.Kv.Service;
using Cairn.Core.Kv.Wire;
using Google.Protobuf;
using Xunit;

namespace Cairn.Simulation.Tests.Kv.Service;

/// <summary>Any member serves any request: writes and linearizable reads through followers, request ids
/// pending in one place at a time (issue 7 §1), and MoveLeader (thesis §3.10).</summary>
public class FollowerServiceTests
{
    private ulong _requestId;

    private static ByteString B(string s) => ByteString.CopyFromUtf8(s);

    /// <summary>Sends a request and runs the cluster for one heartbeat, which tells followers the new commit index.</summary>
    private KvReply Call(ServiceCluster cluster, ServiceCluster.Member at, Action<KvNode, ulong> request)
    {
        ulong id = ++_requestId;
        request(at.Kv!, id);
        cluster.Pump();
        cluster.Advance(100);
        Assert.True(at.Replies.TryGetValue(id, out KvReply reply), $"request {id} at node {at.Id} got no reply");
        return reply;
    }

    private static ServiceCluster.Member FollowerOf(ServiceCluster cluster, ServiceCluster.Member leader) =>
        cluster.Members.First(m => m.Id != leader.Id);

    /// <summary>A follower forwards a write to the leader and answers once its own state machine applied it.</summary>
    [Fact]
    public void Put_OnFollower_IsAnsweredAfterTheFollowerApplied()
    {
        var cluster = new ServiceCluster(3);
        var leader = cluster.ElectLeader();
        var follower = FollowerOf(cluster, leader);
        cluster.Advance(200);

        KvReply reply = Call(cluster, follower, (kv, id) => kv.Put(id, new PutRequest { Key = B("x"), Value = B("1") }));

        Assert.Equal(KvReplyStatus.Ok, reply.Status);
        long revision = reply.Result!.Put.Header.Revision;
        Assert.True(follower.Kv!.StateMachine.Read(new RangeRequest { Key = B("x") }).Range.Header.Revision >= revision);
        Assert.Equal("1", follower.Kv.StateMachine.Read(new RangeRequest { Key = B("x") }).Range.Kvs.Single().Value.ToStringUtf8());
    }

    /// <summary>Raft §8 through a follower: a linearizable read on a follower sees a write the leader just
    /// acknowledged, even before a heartbeat told the follower the new commit index.</summary>
    [Fact]
    public void LinearizableRead_OnFollower_SeesEveryAcknowledgedWrite()
    {
        var cluster = new ServiceCluster(3);
        var leader = cluster.ElectLeader();
        var follower = FollowerOf(cluster, leader);
        cluster.Advance(200);
        Assert.Equal(KvReplyStatus.Ok, Call(cluster, leader, (kv, id) => kv.Put(id, new PutRequest { Key = B("x"), Value = B("new") })).Status);

        KvReply read = Call(cluster, follower, (kv, id) => kv.Range(id, new RangeRequest { Key = B("x") }));

        Assert.Equal(KvReplyStatus.Ok, read.Status);
        Assert.Equal("new", read.Result!.Range.Kvs.Single().Value.ToStringUtf8());
    }

    /// <summary>A follower whose leader changes before its forwarded read is answered fails the read
    /// (NotLeader) instead of leaving it pending.</summary>
    [Fact]
    public void ForwardedRead_FailsWhenTheLeaderChanges()
    {
        var cluster = new ServiceCluster(3);
        var old = cluster.ElectLeader();
        var follower = FollowerOf(cluster, old);
        cluster.Advance(200);
        cluster.Isolate(old.Id); // the MsgReadIndex is lost
        ulong read = ++_requestId;
        follower.Kv!.Range(read, new RangeRequest { Key = B("x") });
        cluster.Pump();
        Assert.False(follower.Replies.ContainsKey(read));

        cluster.ElectLeader();
        Assert.True(follower.Replies.TryGetValue(read, out KvReply reply));
        Assert.Equal(KvReplyStatus.NotLeader, reply.Status);
        Assert.False(follower.Kv.Runtime.IsRequestPending(read));
    }

    /// <summary>Issue 7 §1 (the review's case): an id used by a write and then by a read at the same time.
    /// The read is refused at admission; the committed Put is still answered with its own outcome.</summary>
    [Fact]
    public void RequestId_UsedByWriteAndRead_KeepsThePutsOutcome()
    {
        var cluster = new ServiceCluster(3);
        var leader = cluster.ElectLeader();
        ulong id = ++_requestId;
        leader.Kv!.Put(id, new PutRequest { Key = B("k"), Value = B("v") });
        Assert.True(leader.Kv.Runtime.IsRequestPending(id));

        leader.Kv.Range(id, new RangeRequest { Key = B("k") });
        Assert.Equal(KvReplyStatus.Rejected, leader.Replies[id].Status);
        Assert.Matches("request id .* already pending", leader.Replies[id].Error);

        cluster.Pump();
        Assert.Equal(KvReplyStatus.Ok, leader.Replies[id].Status);
        Assert.Equal(KvResult.ResultOneofCase.Put, leader.Replies[id].Result!.ResultCase);
        Assert.False(leader.Kv.Runtime.IsRequestPending(id));
    }

    /// <summary>The other order, on a follower: a forwarded read pending under an id refuses a write with
    /// the same id, and the read is still served.</summary>
    [Fact]
    public void RequestId_UsedByReadAndWrite_KeepsTheReadsOutcome()
    {
        var cluster = new ServiceCluster(3);
        var leader = cluster.ElectLeader();
        var follower = FollowerOf(cluster, leader);
        cluster.Advance(200);
        ulong id = ++_requestId;
        follower.Kv!.Range(id, new RangeRequest { Key = B("k") });
        follower.Kv.Put(id, new PutRequest { Key = B("k"), Value = B("v") });
        Assert.Equal(KvReplyStatus.Rejected, follower.Replies[id].Status);
        Assert.Contains("already pending", follower.Replies[id].Error);

        cluster.Pump();
        Assert.Equal(KvReplyStatus.Ok, follower.Replies[id].Status);
        Assert.Equal(KvResult.ResultOneofCase.Range, follower.Replies[id].Result!.ResultCase);
        Assert.Empty(follower.Kv.StateMachine.Read(new RangeRequest { Key = B("k") }).Range.Kvs); // the Put never ran
    }

    /// <summary>MoveLeader (thesis §3.10): the leader hands over to the target; etcd's errors otherwise.</summary>
    [Fact]
    public void MoveLeader_HandsLeadershipToTarget_WithEtcdErrors()
    {
        var cluster = new ServiceCluster(3);
        var leader = cluster.ElectLeader();
        var target = FollowerOf(cluster, leader);
        cluster.Advance(200);

        Assert.Equal(KvNode.NotLeaderError, target.Kv!.MoveLeader(leader.Id));
        Assert.Equal(KvNode.BadLeaderTransfereeError, leader.Kv!.MoveLeader(42));
        Assert.Null(leader.Kv.MoveLeader(target.Id));
        cluster.Pump();
        cluster.Advance(200);

        Assert.Same(target, cluster.Leader);
        Assert.Equal(KvReplyStatus.Ok, Call(cluster, leader, (kv, id) => kv.Put(id, new PutRequest { Key = B("after"), Value = B("1") })).Status);
    }
}
