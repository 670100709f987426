using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Xunit;

namespace Cairn.Simulation.Tests.Raft;

/// <summary>
/// Raft §5.3: followers learn the leader's commit index from its appends. The leader tells them as soon as its
/// commit advances (etcd-raft's bcastAppend after maybeCommit), not at the next heartbeat, and at most once per
/// follower per Ready however many acknowledgements advanced it.
/// </summary>
public sealed class CommitBroadcastTests
{
    private static RaftPump ElectedCluster(int size)
    {
        var c = new RaftPump(size);
        c.Elect(1);
        Assert.Equal(RaftRole.Leader, c[1].Role);
        c.Stabilize();
        return c;
    }

    /// <summary>Reference: section 5.3. Without any tick (so without a heartbeat), every follower commits and
    /// applies the new entry once the leader commits it.</summary>
    [Fact]
    public void Section5_3_FollowersLearnCommitWithoutWaitingForAHeartbeat()
    {
        var c = ElectedCluster(3);
        var sentBefore = c.Sent.Count;
        var index = c[1].Propose(new byte[] { 7 }).Index;
        c.Flush(1);
        c.Stabilize();

        Assert.Equal(index, c[1].CommitIndex);
        foreach (var id in new ulong[] { 2, 3 })
        {
            Assert.Equal(index, c[id].CommitIndex);
            Assert.Contains(c.Applied[id], e => e.Index == index);
        }
        Assert.DoesNotContain(c.Sent.Skip(sentBefore), m => m.Type == MessageType.MsgHeartbeat);
    }

    /// <summary>Reference: section 5.3. Four acknowledgements stepped before one Ready advance the commit once;
    /// the Ready carries exactly one append per follower, each with the new commit index: no flood.</summary>
    [Fact]
    public void Section5_3_CommitAdvanceIsBroadcastOncePerFollowerPerReady()
    {
        var c = ElectedCluster(5);
        var index = c[1].Propose(new byte[] { 7 }).Index;
        c.Flush(1);
        while (c.Network.Count > 0 && c.Network[0].Type == MessageType.MsgAppend) c.DeliverOne();
        var acks = c.Network.Where(m => m.To == 1 && m.Type == MessageType.MsgAppendResponse).ToList();
        Assert.Equal(4, acks.Count);
        c.Network.Clear();
        foreach (var ack in acks) c[1].Step(ack);
        Assert.Equal(index, c[1].CommitIndex);

        var ready = c[1].TakeReady();
        var appends = ready.MessagesNow.Where(m => m.Type == MessageType.MsgAppend).ToList();
        Assert.Equal(new ulong[] { 2, 3, 4, 5 }, appends.Select(m => m.To).Order().ToArray());
        Assert.All(appends, m => Assert.Equal((index, 0), (m.Commit, m.Entries.Count)));
        Assert.False(c[1].HasReady, "the broadcast is due once per advance");
    }

    /// <summary>Reference: section 5.3. The empty append is still checked: a follower missing the leader's entry
    /// rejects it and commits nothing it has not verified.</summary>
    [Fact]
    public void Section5_3_FollowerMissingTheEntryDoesNotCommitFromTheBroadcast()
    {
        var c = ElectedCluster(3);
        c.Drop = m => m.To == 3 && m.Type == MessageType.MsgAppend && m.Entries.Count > 0;
        var index = c[1].Propose(new byte[] { 7 }).Index;
        c.Flush(1);
        c.Stabilize();
        Assert.Equal(index, c[2].CommitIndex);
        Assert.True(c[3].CommitIndex < index, $"node 3 committed {c[3].CommitIndex} without holding entry {index}");
        c.Drop = null;
        c.Heartbeat(1);
        Assert.Equal(index, c[3].CommitIndex);
    }
}
