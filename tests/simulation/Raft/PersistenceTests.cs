using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Xunit;

namespace Cairn.Simulation.Tests.Raft;

/// <summary>The Ready ordering contract: what depends on durable state leaves only after it is durable, and restarts.</summary>
public sealed class PersistenceTests
{
    /// <summary>Raft Figure 2 ("respond after updating stable storage"): a grant travels in MessagesAfterPersist with the vote.</summary>
    [Fact]
    public void Persistence_VoteGrantLeavesOnlyAfterPersist()
    {
        var voter = new RaftPump(3)[2];
        voter.Step(new Message { Type = MessageType.MsgVote, From = 1, To = 2, Term = 1 });
        var ready = voter.TakeReady();

        Assert.DoesNotContain(ready.MessagesNow, m => m.Type == MessageType.MsgVoteResponse);
        var grant = Assert.Single(ready.MessagesAfterPersist);
        Assert.Equal((MessageType.MsgVoteResponse, false, 1UL), (grant.Type, grant.Reject, grant.To));
        Assert.Equal((1UL, 1UL), (ready.HardState!.Term, ready.HardState.Vote));
        Assert.True(ready.MustPersist);

        // A denial promises nothing, so it may leave at once.
        Assert.True(ElectionTests.AskVote(voter, from: 3, term: 1, lastIndex: 0, lastTerm: 0).Reject);
    }

    /// <summary>A candidate's requests wait for its own term and self-vote to be durable.</summary>
    [Fact]
    public void Persistence_VoteRequestsLeaveOnlyAfterSelfVoteIsDurable()
    {
        var c = new RaftPump(3);
        c.ManualSync.Add(1);
        c.Campaign(1);
        Assert.DoesNotContain(c.Sent, m => m.Type == MessageType.MsgVote);
        Assert.Equal((1UL, 1UL), (c.Disks[1].HardState.Term, c.Disks[1].HardState.Vote));
        c.Sync(1);
        Assert.Equal(2, c.Sent.Count(m => m.Type == MessageType.MsgVote));
    }

    /// <summary>Reference: section 5.3 and Figure 2. The leader counts itself toward a quorum only up to its own durable index.</summary>
    [Fact]
    public void Persistence_LeaderCountsItselfOnlyWhenDurable()
    {
        var c = new RaftPump(3);
        c.Down.Add(3);
        c.Elect(1);
        Assert.Equal(1UL, c[1].CommitIndex);

        c.ManualSync.Add(1);
        var proposed = c[1].Propose("x"u8.ToArray());
        c.Flush(1);
        c.Stabilize();
        Assert.Equal(2UL, c[2].StableIndex);                         // the follower acknowledged index 2 ...
        Assert.True(c[1].StableIndex < proposed.Index);
        Assert.Equal(1UL, c[1].CommitIndex);                         // ... but 1 of 3 is no quorum

        c.Sync(1);
        Assert.Equal(proposed.Index, c[1].CommitIndex);
        Assert.Contains(c.Applied[1], e => e.Index == proposed.Index);
    }

    /// <summary>A follower's acknowledgement of new entries waits for them to be durable.</summary>
    [Fact]
    public void Persistence_AppendAckLeavesOnlyAfterPersist()
    {
        var c = new RaftPump(3);
        c.Elect(1);
        c.ManualSync.Add(2);
        c[1].Propose("y"u8.ToArray());
        c.Stabilize();
        Assert.DoesNotContain(c.Sent, m => m.From == 2 && m.Type == MessageType.MsgAppendResponse && m.Index == 2);
        c.Sync(2);
        Assert.Contains(c.Sent, m => m.From == 2 && m.Type == MessageType.MsgAppendResponse && m.Index == 2);
    }

    /// <summary>Reference: Figure 2 (persistent state). A node restarted from its disk keeps term, vote and log, and keeps its promise.</summary>
    [Fact]
    public void Restart_RecoversTermVoteAndLog()
    {
        var c = new RaftPump(3);
        c.Elect(1);
        foreach (var data in new[] { "a", "b", "c" }) c[1].Propose(System.Text.Encoding.UTF8.GetBytes(data));
        c.Stabilize();
        c.Heartbeat(1);
        var before = (c[2].Term, c[2].Vote, c[2].CommitIndex);
        var logBefore = c.TermsOf(2);
        Assert.Equal((1UL, 1UL, 4UL), before);

        c.Restart(2);
        var node = c[2];
        Assert.Equal(before, (node.Term, node.Vote, node.CommitIndex));
        Assert.Equal(logBefore, c.TermsOf(2));
        Assert.Equal(RaftRole.Follower, node.Role);
        Assert.Equal("c", node.EntryAt(4).Data.ToStringUtf8());
        Assert.Equal(node.LastIndex, node.StableIndex);

        // The committed prefix is handed out again for a state machine that starts empty.
        var ready = node.TakeReady();
        Assert.Equal(new ulong[] { 1, 2, 3, 4 }, ready.CommittedEntries.Select(e => e.Index));
        // Its vote in term 1 is still given: another candidate of term 1 is denied.
        Assert.True(ElectionTests.AskVote(node, from: 3, term: 1, lastIndex: 9, lastTerm: 1).Reject);
    }

    /// <summary>A restarted leader comes back as a follower and the cluster carries on with every entry.</summary>
    [Fact]
    public void Restart_LeaderRejoinsWithItsLog()
    {
        var c = new RaftPump(3);
        c.Elect(1);
        c[1].Propose("a"u8.ToArray());
        c.Stabilize();
        c.Restart(1);
        Assert.Equal((RaftRole.Follower, 1UL, 2UL), (c[1].Role, c[1].Term, c[1].LastIndex));

        c.Elect(2);
        c.Heartbeat(2);
        foreach (var id in c.Nodes.Keys) Assert.Equal(new ulong[] { 1, 1, 2 }, c.TermsOf(id));
        Assert.Equal(3UL, c[1].CommitIndex);
    }
}
