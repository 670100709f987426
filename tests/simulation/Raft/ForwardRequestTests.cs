using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Xunit;

namespace Cairn.Simulation.Tests.Raft;

/// <summary>
/// Request/response forwarding of leader-only application requests (MSG_FORWARD_REQUEST/RESPONSE, as etcd
/// forwards lease keep-alive to its leader): a follower's request reaches the leader's application, the answer
/// reaches the follower once, and duplicated, stale or lost frames never produce a second or a wrong answer.
/// </summary>
public sealed class ForwardRequestTests
{
    private static readonly byte[] Request = [1, 2, 3];
    private static readonly byte[] Answer = [9, 8];

    private static RaftPump Cluster()
    {
        var c = new RaftPump(3);
        c.Elect(1);
        c.Heartbeat(1);
        return c;
    }

    /// <summary>The follower's request reaches the leader's Ready; the leader's answer reaches the follower's.</summary>
    [Fact]
    public void ForwardedRequest_ReachesLeader_AndItsAnswerReachesTheFollower()
    {
        var c = Cluster();
        Assert.True(c[2].ForwardRequest(7, Request));
        c.Stabilize();
        var asked = Assert.Single(c.Forwarded[1]);
        Assert.Equal((2UL, 7UL), (asked.From, asked.RequestId));
        Assert.Equal(Request, asked.Payload);

        c[1].RespondToForward(asked.From, asked.RequestId, Answer);
        c.Stabilize();
        var answered = Assert.Single(c.ForwardAnswers[2]);
        Assert.Equal(7UL, answered.RequestId);
        Assert.Equal(Answer, answered.Payload);
        Assert.Equal(0, c[2].ForwardedRequestsPending);
    }

    /// <summary>Duplicated request and answer frames: the follower reports exactly one answer.</summary>
    [Fact]
    public void DuplicatedFrames_AreAnsweredOnce()
    {
        var c = Cluster();
        c[2].ForwardRequest(7, Request);
        c.Flush(2);
        c.Network.Add(c.Network.Single(m => m.Type == MessageType.MsgForwardRequest).Clone());
        c.Stabilize();
        Assert.Equal(2, c.Forwarded[1].Count); // the leader sees both copies ...
        foreach (var asked in c.Forwarded[1]) c[1].RespondToForward(asked.From, asked.RequestId, Answer);
        c.Flush(1);
        c.Network.Add(c.Network.First(m => m.Type == MessageType.MsgForwardResponse).Clone());
        c.Stabilize();
        Assert.Single(c.ForwardAnswers[2]); // ... but the follower accepts one answer of three
    }

    /// <summary>A leader change fails the follower's pending request at once; the old leader's late answer
    /// (a stale, reordered frame) is then dropped.</summary>
    [Fact]
    public void LeaderChange_FailsPendingRequest_AndTheLateAnswerIsDropped()
    {
        var c = Cluster();
        c.Drop = m => m.Type == MessageType.MsgForwardRequest; // the request is lost
        c[2].ForwardRequest(7, Request);
        c.Stabilize();
        c.Drop = null;

        c.Elect(3);
        var failed = Assert.Single(c.ForwardAnswers[2]);
        Assert.Equal((7UL, (byte[]?)null), (failed.RequestId, failed.Payload));

        c[1].RespondToForward(2, 7, Answer); // the deposed leader answers late, in the new term
        c.Stabilize();
        Assert.Single(c.ForwardAnswers[2]);
    }

    /// <summary>A node that is not the leader refuses a forwarded request instead of dropping it silently.</summary>
    [Fact]
    public void RequestToNonLeader_IsRefused()
    {
        var c = Cluster();
        c[2].ForwardRequest(7, Request);
        c.Flush(2);
        var request = c.Network.Single(m => m.Type == MessageType.MsgForwardRequest);
        c.Network.Clear();
        var misdirected = request.Clone();
        misdirected.To = 3;
        c.Network.Add(misdirected);
        c.Stabilize();
        Assert.Empty(c.Forwarded[3]);
        Assert.Contains(c.Sent, m => m.Type == MessageType.MsgForwardResponse && m.From == 3 && m.Reject);
        Assert.Empty(c.ForwardAnswers[2]); // node 2 asked node 1, so node 3's refusal is not an answer
    }

    /// <summary>A request whose frame was lost fails after ForwardedRequestElectionsMax election timeouts,
    /// so the follower's table stays bounded while the leader stays the same.</summary>
    [Fact]
    public void LostRequest_FailsAfterDeadline()
    {
        var c = Cluster();
        c.Drop = m => m.Type == MessageType.MsgForwardRequest;
        c[2].ForwardRequest(4, Request);
        c.Stabilize();
        for (var i = 0; i < RaftNode.ForwardedRequestElectionsMax * c.Options(2).ElectionTicks; i++)
        {
            c[2].Tick();
            c.Flush(2);
            c.Heartbeat(1);
        }
        var failed = Assert.Single(c.ForwardAnswers[2]);
        Assert.Equal((4UL, (byte[]?)null), (failed.RequestId, failed.Payload));
    }

    /// <summary>Without a known leader, and on the leader itself, nothing is forwarded.</summary>
    [Fact]
    public void WithoutAKnownLeader_NothingIsForwarded()
    {
        var idle = new RaftPump(3);
        Assert.False(idle[2].ForwardRequest(1, Request));
        var c = Cluster();
        Assert.False(c[1].ForwardRequest(1, Request));
        Assert.True(c[2].ForwardRequest(1, Request));
        Assert.False(c[2].ForwardRequest(1, Request)); // the id is already pending
    }
}
