using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Xunit;

namespace Cairn.Simulation.Tests.Raft;

/// <summary>Committing entries from previous terms (Raft §5.4.2), the Figure 8 scenario built by hand.</summary>
public sealed class CommitmentTests
{
    /// <summary>
    /// Figure 8 (b)→(c): S1 led term 2 and wrote (2, 2) to S1 and S2; S5 led term 3 and wrote (2, 3) only
    /// to itself. All five are in term 3. Then S5 is down and S1 wins term 4 with votes from S2, S3, S4.
    /// One entry per append, and every append that would carry S1's term-4 no-op to a follower already
    /// holding index 2 is lost, so S1 gets (2, 2) onto S3 and S4 but nothing of term 4 anywhere else.
    /// </summary>
    private static RaftPump Figure8c(RaftBugs bugs)
    {
        var hard = new HardState { Term = 3, Commit = 1 };
        var c = new RaftPump(5, o => o with { AppendEntriesMax = 1 }, bugs, new Dictionary<ulong, (HardState, ulong[])>
        {
            [1] = (hard, [1, 2]),
            [2] = (hard, [1, 2]),
            [3] = (hard, [1]),
            [4] = (hard, [1]),
            [5] = (hard, [1, 3]),
        });
        c.Down.Add(5);
        c.Drop = m => m.Type == MessageType.MsgAppend && m.Entries.Any(e => e.Index == 3) && c[m.To].LastIndex >= 2;
        c.Elect(1);
        Assert.Equal((RaftRole.Leader, 4UL), (c[1].Role, c[1].Term));
        foreach (var id in new ulong[] { 1, 3, 4 }) Assert.Equal(2UL, c[id].TermAt(2));
        return c;
    }

    /// <summary>Figure 8 (d): S1 crashes; S5, whose last term 3 beats everyone's 2, wins term 5 and overwrites index 2.</summary>
    private static void Figure8d(RaftPump c)
    {
        c.Down.Clear();
        c.Down.Add(1);
        c.Drop = null;
        c.Elect(5);
        Assert.Equal((RaftRole.Leader, 5UL), (c[5].Role, c[5].Term));
        c.Heartbeat(5);
    }

    /// <summary>
    /// Reference: section 5.4.2. (2, 2) is stored on the majority {S1, S3, S4}, yet S1 must not commit it
    /// by counting replicas: S5 can still be elected and replace it, as (d) then shows.
    /// </summary>
    [Fact]
    public void Section5_4_2_DoesNotCommitPreviousTermEntryByCounting()
    {
        var c = Figure8c(RaftBugs.None);
        Assert.Equal(1UL, c[1].CommitIndex);
        Assert.DoesNotContain(c.Applied[1], e => e.Index == 2);

        Figure8d(c);
        foreach (var id in new ulong[] { 2, 3, 4, 5 })
        {
            Assert.Equal(new ulong[] { 1, 3, 5 }, c.TermsOf(id));
            Assert.Equal(3UL, c[id].CommitIndex);
        }
        AssertAppliedLogsAgree(c);
    }

    /// <summary>
    /// Reference: section 5.4.2. Committing the current term's no-op commits (2, 2) with it, indirectly, and then
    /// S5 can no longer win: S3 and S4 hold a term-4 entry, more up to date than S5's log.
    /// </summary>
    [Fact]
    public void Section5_4_2_CommitsPreviousTermEntryIndirectlyThroughCurrentTerm()
    {
        var c = Figure8c(RaftBugs.None);
        c.Drop = null;
        c.Heartbeat(1);
        Assert.Equal(3UL, c[1].CommitIndex);

        c.Down.Add(1);
        c.Campaign(5);
        c.Campaign(5);
        c.Stabilize();
        Assert.NotEqual(RaftRole.Leader, c[5].Role);
        AssertAppliedLogsAgree(c);
    }

    /// <summary>
    /// Canary CommitPreviousTermByCount: S1 commits and applies (2, 2) by counting, then S5 is elected and
    /// the others apply (2, 3) at the same index: State Machine Safety broken.
    /// </summary>
    [Fact]
    public void Canary_CommitPreviousTermByCount_LosesACommittedEntry()
    {
        var c = Figure8c(new RaftBugs { CommitPreviousTermByCount = true });
        Assert.Equal(2UL, c[1].CommitIndex);
        Assert.Contains(c.Applied[1], e => (e.Index, e.Term) == (2, 2));

        Figure8d(c);
        Assert.Contains(c.Applied[5], e => (e.Index, e.Term) == (2, 3));
        Assert.ThrowsAny<Exception>(() => AssertAppliedLogsAgree(c));
    }

    /// <summary>State Machine Safety (Figure 3): no two nodes apply different entries at one index.</summary>
    private static void AssertAppliedLogsAgree(RaftPump c)
    {
        var byIndex = new Dictionary<ulong, ulong>();
        foreach (var (id, applied) in c.Applied)
            foreach (var e in applied)
                if (!byIndex.TryAdd(e.Index, e.Term))
                    Assert.True(byIndex[e.Index] == e.Term, $"node {id} applied ({e.Index}, {e.Term}), another applied term {byIndex[e.Index]}");
    }
}
