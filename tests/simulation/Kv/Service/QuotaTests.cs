using Cairn.Core.Kv;
using Cairn.Core.Kv.Service;
using Cairn.Core.Kv.Wire;
using Google.Protobuf;
using Xunit;
using AlarmAction = Cairn.Core.Kv.Wire.AlarmRequest.Types.AlarmAction;

namespace Cairn.Simulation.Tests.Kv.Service;

/// <summary>
/// etcd's space quota (--quota-backend-bytes) with a tiny quota: a write that would exceed it raises the
/// NOSPACE alarm through the log, so every member agrees; while it is raised, Put, a Txn with puts and
/// LeaseGrant are refused with "etcdserver: mvcc: database space exceeded", and Delete, Compact and Range still
/// work; compaction frees space, and once the alarm is disarmed (DEACTIVATE) writes are accepted again.
/// </summary>
public class QuotaTests
{
    private const long TinyQuotaBytes = 4_096;
    private ulong _requestId;

    private static ByteString B(string s) => ByteString.CopyFromUtf8(s);

    private KvReply Call(ServiceCluster cluster, ServiceCluster.Member at, Action<KvNode, ulong> request)
    {
        ulong id = ++_requestId;
        request(at.Kv!, id);
        cluster.Pump();
        cluster.Advance(100);
        Assert.True(at.Replies.TryGetValue(id, out KvReply reply), $"request {id} at node {at.Id} got no reply");
        return reply;
    }

    private static void AssertNoSpace(KvReply reply)
    {
        Assert.Equal(KvReplyStatus.Ok, reply.Status);
        Assert.Equal(KvErrorCode.NoSpace, reply.Result!.Error?.Code);
        Assert.Equal("etcdserver: mvcc: database space exceeded", reply.Result.Error!.Message);
    }

    private (ServiceCluster Cluster, ServiceCluster.Member Leader, int Written) FillToQuota()
    {
        var cluster = new ServiceCluster(3, kvOptions: new KvOptions { QuotaBackendBytes = TinyQuotaBytes });
        var leader = cluster.ElectLeader();
        cluster.Advance(200);
        var value = B(new string('v', 200));
        for (int i = 0; i < 100; i++)
        {
            KvReply reply = Call(cluster, leader, (kv, id) => kv.Put(id, new PutRequest { Key = B($"k{i:D3}"), Value = value }));
            if (reply.Result!.Error is not null)
            {
                AssertNoSpace(reply);
                cluster.Advance(300);
                return (cluster, leader, i);
            }
        }
        throw new InvalidOperationException($"100 puts of 200 bytes never exceeded a {TinyQuotaBytes}-byte quota");
    }

    [Fact]
    public void A_write_past_the_quota_raises_NOSPACE_on_every_member_and_growing_writes_are_refused()
    {
        var (cluster, leader, written) = FillToQuota();
        Assert.True(written > 0);
        Assert.All(cluster.Members, m => Assert.True(m.Kv!.StateMachine.NoSpaceAlarmed, $"member {m.Id} does not see the NOSPACE alarm"));
        KvReply listed = Call(cluster, leader, (kv, id) => kv.Alarm(id, new AlarmRequest { Action = AlarmAction.Get }));
        Assert.Equal(new[] { (leader.Id, AlarmType.Nospace) }, listed.Result!.Alarm.Alarms.Select(a => (a.MemberID, a.Alarm)));

        var follower = cluster.Members.First(m => m.Id != leader.Id);
        AssertNoSpace(Call(cluster, follower, (kv, id) => kv.Put(id, new PutRequest { Key = B("small"), Value = B("x") })));
        AssertNoSpace(Call(cluster, leader, (kv, id) => kv.LeaseGrant(id, new LeaseGrantRequest { TTL = 10 })));
        var txn = new TxnRequest();
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = B("t"), Value = B("1") } });
        AssertNoSpace(Call(cluster, leader, (kv, id) => kv.Txn(id, txn)));

        // Deletes, reads and compaction still work.
        KvReply deleted = Call(cluster, leader, (kv, id) => kv.DeleteRange(id, new DeleteRangeRequest { Key = B("k"), RangeEnd = B("l") }));
        Assert.Equal(written, deleted.Result!.DeleteRange.Deleted);
        KvReply read = Call(cluster, follower, (kv, id) => kv.Range(id, new RangeRequest { Key = B("k"), RangeEnd = B("l") }));
        Assert.Empty(read.Result!.Range.Kvs);
        long revision = leader.Kv!.StateMachine.Revision;
        Assert.Null(Call(cluster, leader, (kv, id) => kv.Compact(id, new CompactionRequest { Revision = revision })).Result!.Error);
        Assert.True(leader.Kv.StateMachine.StoreSizeBytes < TinyQuotaBytes / 2);

        // Space is free, but the alarm still caps the store (the capped applier) until it is disarmed.
        AssertNoSpace(Call(cluster, leader, (kv, id) => kv.Put(id, new PutRequest { Key = B("after"), Value = B("x") })));
        Call(cluster, follower, (kv, id) => kv.Alarm(id, new AlarmRequest { Action = AlarmAction.Deactivate, MemberID = leader.Id, Alarm = AlarmType.Nospace }));
        cluster.Advance(300);
        Assert.All(cluster.Members, m => Assert.False(m.Kv!.StateMachine.NoSpaceAlarmed));
        KvReply accepted = Call(cluster, leader, (kv, id) => kv.Put(id, new PutRequest { Key = B("after"), Value = B("x") }));
        Assert.Null(accepted.Result!.Error);
    }

    [Fact]
    public void The_alarm_survives_a_restart_through_the_snapshot_and_log()
    {
        var (cluster, leader, _) = FillToQuota();
        var follower = cluster.Members.First(m => m.Id != leader.Id);
        cluster.Crash(follower.Id);
        cluster.Restart(follower.Id);
        cluster.Advance(1_000);
        Assert.True(follower.Kv!.StateMachine.NoSpaceAlarmed);
    }
}
