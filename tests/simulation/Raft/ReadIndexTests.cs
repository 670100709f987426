using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Xunit;

namespace Cairn.Simulation.Tests.Raft;

/// <summary>Linearizable reads without log writes (Raft §8, ReadIndex).</summary>
public sealed class ReadIndexTests
{
    /// <summary>Reference: section 8. The read waits for a quorum to acknowledge a heartbeat sent after the request.</summary>
    [Fact]
    public void ReadIndex_ReleasedAfterQuorumHeartbeat()
    {
        var c = new RaftPump(3);
        c.Elect(1);
        c.Down.Add(3);

        Assert.True(c[1].RequestReadIndex(42));
        c.Flush(1);
        Assert.Empty(c.ReadStates[1]);
        var round = c.Network.Where(m => m.Type == MessageType.MsgHeartbeat).Select(m => m.Context).Distinct().ToList();
        Assert.Single(round);
        Assert.True(round[0] > 0);

        c.Stabilize();
        Assert.Equal(new[] { new ReadState(42, 1) }, c.ReadStates[1]);
    }

    /// <summary>Reference: section 8. A leader cut off from its quorum never confirms a read.</summary>
    [Fact]
    public void ReadIndex_NotReleasedWithoutQuorum()
    {
        var c = new RaftPump(3);
        c.Elect(1);
        c.Down.UnionWith([2, 3]);
        Assert.True(c[1].RequestReadIndex(7));
        c.Stabilize();
        c.Heartbeat(1);
        Assert.Empty(c.ReadStates[1]);
    }

    /// <summary>
    /// Reference: section 8. A new leader serves no read before it commits an entry of its own term,
    /// since only then does it know the commit index; a follower that knows no leader cannot forward one.
    /// </summary>
    [Fact]
    public void ReadIndex_RefusedBeforeLeaderCommitsInItsTerm()
    {
        var c = new RaftPump(3) { Drop = m => m.Type == MessageType.MsgAppend };
        c.Elect(1);
        Assert.Equal((RaftRole.Leader, 0UL), (c[1].Role, c[1].CommitIndex));
        Assert.False(c[1].RequestReadIndex(1));
        Assert.False(c[2].RequestReadIndex(1));

        c.Drop = null;
        c.Heartbeat(1);
        Assert.True(c[1].RequestReadIndex(1));
    }

    /// <summary>Reads that arrive while a round is in flight share the next round: one round per batch.</summary>
    [Fact]
    public void ReadIndex_ReadsDuringARoundShareTheNextRound()
    {
        var c = new RaftPump(3);
        c.Elect(1);
        c.Flush(1);
        c.Network.Clear();
        Assert.True(c[1].RequestReadIndex(1));
        c.Flush(1);
        var firstRound = c.Network.Count(m => m.Type == MessageType.MsgHeartbeat);
        for (ulong id = 2; id <= 20; id++) Assert.True(c[1].RequestReadIndex(id));
        c.Flush(1);
        Assert.Equal(firstRound, c.Network.Count(m => m.Type == MessageType.MsgHeartbeat)); // no round per read
        c.Stabilize();
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (ulong)i), c.ReadStates[1].Select(r => r.RequestId));
        Assert.Equal(2UL, c.Network.Concat(c.Sent).Where(m => m.Type == MessageType.MsgHeartbeat).Select(m => m.Context).DefaultIfEmpty().Max());
    }

    /// <summary>An acknowledgement of an older heartbeat round does not confirm a newer read.</summary>
    [Fact]
    public void ReadIndex_OldRoundAcknowledgementDoesNotConfirmNewerRead()
    {
        var c = new RaftPump(3);
        c.Elect(1);
        c.Down.Add(3);
        Assert.True(c[1].RequestReadIndex(1));
        c.Flush(1);
        var firstRound = c.Network.ToList();
        c.Network.Clear();
        Assert.True(c[1].RequestReadIndex(2));  // joins the next round, which starts once the first is confirmed
        c.Flush(1);
        c.Network.Clear();
        c.Network.AddRange(firstRound);
        c.Drop = m => m.Type == MessageType.MsgHeartbeat && m.Context >= 2; // the second round is lost
        c.Stabilize();
        Assert.Equal(new ulong[] { 1 }, c.ReadStates[1].Select(r => r.RequestId));
    }
}
