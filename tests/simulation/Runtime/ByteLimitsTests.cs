using Cairn.Core.Kv.Service;
using Cairn.Core.Kv.Wire;
using Cairn.Core.Raft;
using Cairn.Simulation.Tests.Kv.Service;
using Cairn.Simulation.Tests.Raft;
using Google.Protobuf;
using Xunit;

namespace Cairn.Simulation.Tests.Runtime;

/// <summary>Limits in bytes (issue 7 §1): every request the KV layer admits fits Raft, and Raft's limits fit a frame.</summary>
public sealed class ByteLimitsTests
{
    [Fact]
    public void ProposalBytesMax_AdmitsEtcdsFullRequestSize()
    {
        var c = new RaftPump(3);
        c.Elect(1);
        var result = c[1].Propose(new byte[RaftOptions.EtcdRequestBytesMax + RaftOptions.CommandOverheadBytesMax]);
        Assert.True(result.Accepted, result.Error);
    }

    [Fact]
    public void UncommittedBytesMax_RefusesProposalsBeyondIt()
    {
        var c = ElectAlone(); // followers down: nothing commits, so every proposal stays uncommitted
        Assert.True(c[1].Propose(new byte[1000]).Accepted);
        Assert.True(c[1].Propose(new byte[1000]).Accepted);
        var refused = c[1].Propose(new byte[1000]);
        Assert.False(refused.Accepted);
        Assert.Contains("UncommittedBytesMax", refused.Error);
    }

    private static RaftPump ElectAlone()
    {
        var c = new RaftPump(3, o => o with { ProposalBytesMax = 1000, UncommittedBytesMax = 2500 });
        c.Elect(1);
        c.Down.Add(2);
        c.Down.Add(3);
        return c;
    }

    [Theory]
    [InlineData(5 * 1024 * 1024, 64 * 1024)]
    [InlineData(1024, 5 * 1024 * 1024)]
    public void Validate_RefusesLimitsThatDoNotFitAFrame(int proposalBytesMax, int snapshotChunkBytesMax)
    {
        var options = new RaftOptions { Id = 1, Peers = new ulong[] { 1 }, ProposalBytesMax = proposalBytesMax, SnapshotChunkBytesMax = snapshotChunkBytesMax, UncommittedBytesMax = 1L << 30 };
        var e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("FrameCodec.PayloadBytesMax", e.Message);
    }

    [Fact]
    public void KvRequestOverTheLimit_IsRefusedAtAdmissionWithEtcdsError()
    {
        var cluster = new ServiceCluster(3);
        var leader = cluster.ElectLeader();
        var put = new PutRequest { Key = ByteString.CopyFromUtf8("big"), Value = ByteString.CopyFrom(new byte[RaftOptions.EtcdRequestBytesMax]) };
        leader.Kv!.Put(77, put, SessionStamp.None);
        cluster.Pump();
        var reply = leader.Replies[77];
        Assert.Equal(KvReplyStatus.Rejected, reply.Status);
        Assert.Equal("etcdserver: request is too large", reply.Error);

        var fits = new PutRequest { Key = ByteString.CopyFromUtf8("big"), Value = ByteString.CopyFrom(new byte[RaftOptions.EtcdRequestBytesMax - 1024]) };
        leader.Kv!.Put(78, fits, SessionStamp.None);
        cluster.Pump();
        Assert.Equal(KvReplyStatus.Ok, leader.Replies[78].Status);
    }
}
