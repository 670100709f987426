using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Xunit;

namespace Cairn.Simulation.Tests.Raft;

/// <summary>Pre-vote (Raft thesis §9.6): an election is held only when a majority would take part in it.</summary>
public sealed class PreVoteTests
{
    private static RaftPump Cluster(int size) => new(size, o => o with { PreVote = true });

    /// <summary>Reference: thesis 9.6. A pre-vote round that a majority grants leads to a real election.</summary>
    [Fact]
    public void Thesis9_6_PreVoteThenElection_ElectsLeader()
    {
        var c = Cluster(3);
        c.Campaign(1);                         // the timeout fires: a pre-vote, not a new term
        Assert.Equal(0UL, c[1].Term);
        Assert.True(c[1].PreCampaigning);
        Assert.Contains(c.Network, m => m.Type == MessageType.MsgPreVote && m.Term == 1);
        c.Stabilize();
        Assert.Equal(RaftRole.Leader, c[1].Role);
        Assert.Equal(1UL, c[1].Term);
    }

    /// <summary>Reference: thesis 9.6. A node cut off from the leader keeps pre-voting without raising its term,
    /// so when it rejoins it cannot depose the healthy leader.</summary>
    [Fact]
    public void Thesis9_6_PartitionedNode_DoesNotRaiseItsTermOrDisruptTheLeader()
    {
        var c = Cluster(3);
        c.Elect(1);
        c.Stabilize();
        var term = c[1].Term;
        c.Drop = m => m.From == 3 || m.To == 3;          // node 3 is isolated
        for (var round = 0; round < 5; round++)
        {
            c.Campaign(3);
            c.Stabilize();
            c.Heartbeat(1);
        }
        Assert.Equal(term, c[3].Term);                    // pre-votes never raised it
        c.Drop = null;                                    // the partition heals
        c.Campaign(3);
        c.Stabilize();
        Assert.Equal(RaftRole.Leader, c[1].Role);          // followers that hear the leader refuse
        Assert.Equal(term, c[1].Term);
    }

    /// <summary>Without pre-vote the same scenario deposes the leader: the test can tell the difference.</summary>
    [Fact]
    public void WithoutPreVote_RejoiningNodeRaisesTheTermAndDeposesTheLeader()
    {
        var c = new RaftPump(3);
        c.Elect(1);
        c.Stabilize();
        var term = c[1].Term;
        c.Drop = m => m.From == 3 || m.To == 3;
        for (var round = 0; round < 3; round++) { c.Campaign(3); c.Stabilize(); c.Heartbeat(1); }
        Assert.True(c[3].Term > term);
        c.Drop = null;
        c.Heartbeat(1);
        c.Stabilize();
        Assert.True(c[1].Term > term);                    // node 3's higher term reached the leader
    }

    /// <summary>Reference: section 5.4.1 applies to pre-votes too: a stale log gets no pre-vote.</summary>
    [Fact]
    public void Thesis9_6_StaleLogGetsNoPreVote()
    {
        var c = Cluster(3);
        c.Elect(1);
        c.Down.Add(3);
        c[1].Propose(new byte[] { 1 });
        c.Stabilize();
        c.Down.Remove(3);
        c.Drop = m => m.From == 1 || m.To == 1;          // the leader vanishes; node 3 is behind node 2
        c.Restart(2);                                     // node 2 knows no leader now: only its log decides
        for (var i = 0; i < 3; i++) { c.Campaign(3); c.Stabilize(); }
        Assert.NotEqual(RaftRole.Leader, c[3].Role);
        Assert.Contains(c.Sent, m => m.Type == MessageType.MsgPreVoteResponse && m.From == 2 && m.To == 3 && m.Reject);
    }
}
