using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Xunit;

namespace Cairn.Simulation.Tests.Raft;

/// <summary>Leader election (Raft §5.2) and the election restriction (§5.4.1).</summary>
public sealed class ElectionTests
{
    /// <summary>Reference: section 5.2. A candidate wins with votes from a majority, here 2 of 3 with one node down.</summary>
    [Fact]
    public void Section5_2_ElectsLeaderWithMajorityVotes()
    {
        var c = new RaftPump(3);
        c.Down.Add(3);
        c.Campaign(1);
        Assert.Equal(RaftRole.Candidate, c[1].Role);
        c.Stabilize();

        Assert.Equal(RaftRole.Leader, c[1].Role);
        Assert.Equal(1UL, c[1].Term);
        Assert.Equal((1UL, 1UL), (c[2].Vote, c[2].Leader));
        Assert.Equal(RaftRole.Follower, c[2].Role);
        Assert.Equal(1UL, c[1].CommitIndex); // the new leader's no-op, stored on the majority {1, 2}
        Assert.Equal(EntryType.EntryNoop, c[1].EntryAt(1).Type);
    }

    /// <summary>Reference: section 5.2. Without a majority a candidate does not lead, however long it waits.</summary>
    [Fact]
    public void Section5_2_CandidateWithoutMajorityNeverLeads()
    {
        var c = MinorityCandidates(RaftBugs.None);
        Assert.Empty(c.Leaders);
        Assert.NotEqual(RaftRole.Leader, c[1].Role);
        Assert.NotEqual(RaftRole.Leader, c[2].Role);
    }

    /// <summary>Canary QuorumOffByOne: quorum n/2 lets each side of a split elect itself, two leaders in one term.</summary>
    [Fact]
    public void Canary_QuorumOffByOne_ElectsMinorityLeaders()
    {
        var c = MinorityCandidates(new RaftBugs { QuorumOffByOne = true });
        Assert.Equal(new ulong[] { 1, 2 }, c.LeadersOf(1).Order());
    }

    /// <summary>Four nodes split {1, 3} | {2, 4}; nodes 1 and 2 campaign in term 1, each can reach only 2 of 4 votes.</summary>
    private static RaftPump MinorityCandidates(RaftBugs bugs)
    {
        var c = new RaftPump(4, bugs: bugs) { Drop = m => m.From % 2 != m.To % 2 };
        c.Campaign(1);
        c.Campaign(2);
        for (var i = 0; i < 5; i++) { c.Tick(1); c.Stabilize(); }
        return c;
    }

    /// <summary>Reference: section 5.2. Each server votes for at most one candidate per term, first come first served.</summary>
    [Fact]
    public void Section5_2_OneVotePerTerm()
    {
        var c = SplitVote(RaftBugs.None);
        var grantsBy3 = c.Sent.Where(m => m.From == 3 && m.Type == MessageType.MsgVoteResponse && !m.Reject).ToList();
        Assert.Equal(new ulong[] { 1 }, grantsBy3.Select(m => m.To));
        Assert.Equal(new ulong[] { 1 }, c.LeadersOf(1));
        Assert.Equal(1UL, c[2].Leader);
    }

    /// <summary>Canary DoubleVote: node 3 grants both candidates of term 1 and both become leader (Election Safety broken).</summary>
    [Fact]
    public void Canary_DoubleVote_ElectsTwoLeadersInOneTerm()
    {
        var c = SplitVote(new RaftBugs { DoubleVote = true });
        Assert.Equal(2, c.Sent.Count(m => m.From == 3 && m.Type == MessageType.MsgVoteResponse && !m.Reject));
        Assert.Equal(new ulong[] { 1, 2 }, c.LeadersOf(1).Order());
    }

    /// <summary>Nodes 1 and 2 both campaign in term 1 before any request is delivered; node 3 hears 1 first.</summary>
    private static RaftPump SplitVote(RaftBugs bugs)
    {
        var c = new RaftPump(3, bugs: bugs);
        c.Campaign(1);
        c.Campaign(2);
        Assert.Equal((1UL, 1UL), (c[1].Term, c[2].Term));
        c.Network.Sort((a, b) => a.To == 3 && b.To == 3 ? a.From.CompareTo(b.From) : 0);
        c.Stabilize();
        return c;
    }

    /// <summary>
    /// Reference: section 5.4.1. A voter whose log ends with (index 2, term 2) denies a candidate whose log is
    /// less up to date: an older last term however long, or the same last term but shorter.
    /// </summary>
    [Fact]
    public void Section5_4_1_DeniesVoteToStaleLog()
    {
        var recovered = new Dictionary<ulong, (HardState, ulong[])> { [3] = (new HardState { Term = 2, Commit = 1 }, [1, 2]) };
        var c = new RaftPump(3, recovered: recovered);
        var voter = c[3];

        Assert.True(AskVote(voter, from: 1, term: 3, lastIndex: 9, lastTerm: 1).Reject, "older last term, longer log");
        Assert.True(AskVote(voter, from: 2, term: 3, lastIndex: 1, lastTerm: 2).Reject, "same last term, shorter log");
        Assert.Equal(0UL, voter.Vote);
        Assert.False(AskVote(voter, from: 1, term: 3, lastIndex: 2, lastTerm: 2).Reject, "equal log is up to date");
        Assert.Equal(1UL, voter.Vote);
        Assert.False(AskVote(voter, from: 2, term: 4, lastIndex: 1, lastTerm: 3).Reject, "newer last term wins even when shorter");
    }

    internal static Message AskVote(RaftNode voter, ulong from, ulong term, ulong lastIndex, ulong lastTerm)
    {
        voter.Step(new Message { Type = MessageType.MsgVote, From = from, To = voter.Id, Term = term, Index = lastIndex, LogTerm = lastTerm });
        var ready = voter.TakeReady();
        return Assert.Single(ready.MessagesNow.Concat(ready.MessagesAfterPersist), m => m.Type == MessageType.MsgVoteResponse);
    }
}
