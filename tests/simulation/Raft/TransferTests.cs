using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Xunit;

namespace Cairn.Simulation.Tests.Raft;

/// <summary>Leadership transfer (Raft thesis §3.10; etcd-raft MsgTransferLeader and MsgTimeoutNow).</summary>
public sealed class TransferTests
{
    /// <summary>Thesis §3.10: the target, once up to date, receives TimeoutNow and wins the next term.</summary>
    [Fact]
    public void Transfer_ToUpToDateTarget_ElectsItInNextTerm()
    {
        var c = new RaftPump(3);
        c.Elect(1);
        c.Heartbeat(1);
        var term = c[1].Term;

        Assert.Null(c[1].TransferLeadership(3));
        c.Stabilize();

        Assert.Equal(RaftRole.Leader, c[3].Role);
        Assert.Equal(term + 1, c[3].Term);
        Assert.Equal(RaftRole.Follower, c[1].Role);
        Assert.Contains(c.Sent, m => m.Type == MessageType.MsgTimeoutNow && m.To == 3);
        Assert.Contains(c.Sent, m => m.Type == MessageType.MsgVote && m.From == 3 && m.LeaderTransfer);
    }

    /// <summary>Thesis §3.10 step 1–2: the leader stops accepting proposals and brings a lagging target up to
    /// date before it sends TimeoutNow; the new leader holds every entry.</summary>
    [Fact]
    public void Transfer_ToLaggingTarget_CatchesItUpFirst()
    {
        var c = new RaftPump(3);
        c.Elect(1);
        c.Heartbeat(1);
        c.Down.Add(3);
        for (var i = 0; i < 5; i++) c[1].Propose([(byte)i]);
        c.Stabilize();
        var last = c[1].LastIndex;
        c.Down.Remove(3);

        Assert.Null(c[1].TransferLeadership(3));
        Assert.False(c[1].Propose([9]).Accepted); // no proposals during the transfer
        c.Flush(1);
        Assert.DoesNotContain(c.Network, m => m.Type == MessageType.MsgTimeoutNow);
        c.Stabilize();

        var timeoutNow = c.Sent.FindIndex(m => m.Type == MessageType.MsgTimeoutNow);
        var lastAck = c.Sent.FindLastIndex(m => m.Type == MessageType.MsgAppendResponse && m.From == 3 && m.Index == last && !m.Reject);
        Assert.True(lastAck >= 0 && lastAck < timeoutNow, "TimeoutNow must follow the target's acknowledgement of the leader's last entry");
        Assert.Equal(RaftRole.Leader, c[3].Role);
        Assert.True(c[3].LastIndex > last);
        Assert.Equal(c.TermsOf(1).Take((int)last), c.TermsOf(3).Take((int)last));
    }

    /// <summary>A transfer to an unreachable target is abandoned after an election timeout; the leader then
    /// accepts proposals again.</summary>
    [Fact]
    public void Transfer_ToUnreachableTarget_IsAbandonedAfterElectionTimeout()
    {
        var c = new RaftPump(3);
        c.Elect(1);
        c.Heartbeat(1);
        c.Down.Add(3);
        Assert.Null(c[1].TransferLeadership(3));
        Assert.Equal(3UL, c[1].TransferTarget);
        Assert.False(c[1].Propose([1]).Accepted);
        for (var i = 0; i < c.Options(1).ElectionTicks; i++) c.Heartbeat(1);
        Assert.Equal(0UL, c[1].TransferTarget);
        Assert.Equal(RaftRole.Leader, c[1].Role);
        Assert.True(c[1].Propose([1]).Accepted);
    }

    /// <summary>Thesis §3.10 with pre-vote (§9.6): TimeoutNow campaigns at once, without a pre-vote round that
    /// leader stickiness would refuse.</summary>
    [Fact]
    public void Transfer_BypassesPreVote()
    {
        var c = new RaftPump(3, o => o with { PreVote = true });
        c.Elect(1);
        c.Heartbeat(1);
        Assert.Null(c[1].TransferLeadership(2));
        c.Stabilize();
        Assert.Equal(RaftRole.Leader, c[2].Role);
        Assert.DoesNotContain(c.Sent, m => m.Type == MessageType.MsgPreVote && m.From == 2);
    }

    /// <summary>Only the leader transfers, and only to a member.</summary>
    [Fact]
    public void Transfer_RefusedOnFollowerAndForNonMember()
    {
        var c = new RaftPump(3);
        c.Elect(1);
        Assert.Equal("not leader", c[2].TransferLeadership(3));
        Assert.Contains("not a member", c[1].TransferLeadership(9));
        Assert.Null(c[1].TransferLeadership(1)); // already leads
        Assert.Equal(0UL, c[1].TransferTarget);
    }
}
