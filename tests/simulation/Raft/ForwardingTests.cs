using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Xunit;

namespace Cairn.Simulation.Tests.Raft;

/// <summary>
/// Followers serve clients (etcd-raft MsgProp and MsgReadIndex): proposals and ReadIndex requests are
/// forwarded to the leader; the proposer recognises its entry by the request id the entry carries.
/// </summary>
public sealed class ForwardingTests
{
    private static readonly byte[] Command = [1, 2, 3];

    /// <summary>A follower's proposal is appended by the leader (Raft §5.3) with the follower's request id,
    /// and the follower applies the entry carrying it.</summary>
    [Fact]
    public void ForwardedProposal_IsAppendedByLeader_AndAppliedWithItsRequestId()
    {
        var c = new RaftPump(3);
        c.Elect(1);
        c.Heartbeat(1);

        var result = c[2].Propose(Command, requestId: 77);
        Assert.True(result is { Accepted: true, Forwarded: true, Index: 0 });
        c.Flush(2);
        c.Stabilize();
        c.Heartbeat(1);

        var entry = c.Applied[2].Single(e => e.RequestId == 77);
        Assert.Equal(Command, entry.Data.ToByteArray());
        Assert.Equal(entry, c[1].EntryAt(entry.Index));
        Assert.Contains(c.Sent, m => m.Type == MessageType.MsgProp && m.From == 2 && m.To == 1);
    }

    /// <summary>A duplicated MsgProp (the network may deliver a frame twice) is appended once.</summary>
    [Fact]
    public void DuplicatedForwardedProposal_IsAppendedOnce()
    {
        var c = new RaftPump(3);
        c.Elect(1);
        c.Heartbeat(1);
        c[2].Propose(Command, requestId: 5);
        c.Flush(2);
        var prop = c.Network.Single(m => m.Type == MessageType.MsgProp);
        c.Network.Add(prop.Clone());
        c.Stabilize();
        Assert.Single(Enumerable.Range(1, (int)c[1].LastIndex), i => c[1].EntryAt((ulong)i).RequestId == 5);
    }

    /// <summary>A node that knows no leader refuses instead of forwarding into the void.</summary>
    [Fact]
    public void Proposal_WithoutKnownLeader_IsRefused()
    {
        var c = new RaftPump(3);
        var result = c[2].Propose(Command, requestId: 1);
        Assert.False(result.Accepted);
        Assert.Contains("no leader", result.Error);
        Assert.False(c[2].RequestReadIndex(1));
    }

    /// <summary>Raft §8 through a follower: the leader confirms the read with a quorum heartbeat round and
    /// answers with its commit index, which the follower releases as its own read state.</summary>
    [Fact]
    public void ForwardedReadIndex_ReturnsLeadersConfirmedIndex()
    {
        var c = new RaftPump(3);
        c.Elect(1);
        c.Heartbeat(1);
        c[1].Propose(Command);
        c.Stabilize();

        Assert.True(c[3].RequestReadIndex(9));
        c.Flush(3);
        Assert.Empty(c.ReadStates[3]);
        c.Stabilize();

        Assert.Equal(new[] { new ReadState(9, c[1].CommitIndex) }, c.ReadStates[3]);
        Assert.Contains(c.Sent, m => m.Type == MessageType.MsgReadIndexResponse && m.To == 3 && !m.Reject);
    }

    /// <summary>A leader that loses leadership fails its pending reads at once, its own and forwarded ones.</summary>
    [Fact]
    public void DeposedLeader_FailsPendingReadsPromptly()
    {
        var c = new RaftPump(3);
        c.Elect(1);
        c.Heartbeat(1);
        c.Drop = m => m.Type == MessageType.MsgHeartbeatResponse; // no read is ever confirmed
        Assert.True(c[1].RequestReadIndex(1));
        Assert.True(c[2].RequestReadIndex(2));
        c.Stabilize();
        Assert.Empty(c.ReadStates[1]);

        c.Drop = null;
        c.Elect(3); // a higher term deposes node 1; node 2 follows the new leader
        Assert.Equal(new ulong[] { 1 }, c.FailedReads[1]);
        Assert.Equal(new ulong[] { 2 }, c.FailedReads[2]);
        Assert.Empty(c.ReadStates[1].Concat(c.ReadStates[2]));
    }

    /// <summary>A forwarded read whose request or answer was lost fails after its deadline, so the
    /// follower's table of forwarded reads stays bounded while the leader stays the same.</summary>
    [Fact]
    public void LostForwardedRead_FailsAfterDeadline()
    {
        var c = new RaftPump(3);
        c.Elect(1);
        c.Heartbeat(1);
        c.Drop = m => m.Type == MessageType.MsgReadIndex;
        Assert.True(c[2].RequestReadIndex(4));
        c.Stabilize();
        for (var i = 0; i < RaftNode.ForwardedReadElectionsMax * c.Options(2).ElectionTicks; i++)
        {
            c[2].Tick();
            c.Flush(2);
            c.Heartbeat(1); // the leader stays alive, so node 2 never campaigns
        }
        Assert.Equal(new ulong[] { 4 }, c.FailedReads[2]);
    }
}
