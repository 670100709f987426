using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Xunit;

namespace Cairn.Simulation.Tests.Raft;

/// <summary>Log replication (Raft §5.3): the consistency check, conflict truncation, and the follower's commit rule.</summary>
public sealed class ReplicationTests
{
    /// <summary>A follower (node 2 of 3) in term 1 whose log holds three term-1 entries, only the first committed.</summary>
    private static RaftNode StaleFollower(RaftBugs bugs) =>
        new RaftPump(3, bugs: bugs, recovered: new Dictionary<ulong, (HardState, ulong[])>
        {
            [2] = (new HardState { Term = 1, Commit = 1 }, [1, 1, 1]),
        })[2];

    /// <summary>The term-2 leader's append: previous entry (1, 1), then <paramref name="entries"/> of term 2.</summary>
    private static Message AppendFromLeader(ulong commit, params ulong[] entries)
    {
        var m = new Message { Type = MessageType.MsgAppend, From = 1, To = 2, Term = 2, Index = 1, LogTerm = 1, Commit = commit };
        m.Entries.AddRange(entries.Select(i => new Entry { Index = i, Term = 2 }));
        return m;
    }

    /// <summary>Reference: section 5.3. A conflicting entry and all that follow it are deleted before appending.</summary>
    [Fact]
    public void Section5_3_TruncatesConflictingSuffix()
    {
        var follower = StaleFollower(RaftBugs.None);
        follower.Step(AppendFromLeader(commit: 1, 2));
        var ready = follower.TakeReady();

        Assert.Equal(new ulong[] { 1, 2 }, Terms(follower));
        Assert.Equal(new[] { (2UL, 2UL) }, ready.Entries.Select(e => (e.Index, e.Term)));
        var ack = Assert.Single(ready.MessagesAfterPersist);
        Assert.Equal((MessageType.MsgAppendResponse, false, 2UL), (ack.Type, ack.Reject, ack.Index));
    }

    /// <summary>Canary NoTruncateOnConflict: the stale (3, 1) outlives the conflict at index 2.</summary>
    [Fact]
    public void Canary_NoTruncateOnConflict_KeepsStaleSuffix()
    {
        var follower = StaleFollower(new RaftBugs { NoTruncateOnConflict = true });
        follower.Step(AppendFromLeader(commit: 1, 2));
        Assert.Equal(new ulong[] { 1, 2, 1 }, Terms(follower));
    }

    /// <summary>
    /// Reference: section 5.3. The follower sets commitIndex = min(leaderCommit, index of last new entry): an
    /// append that verified only up to index 1 may not commit its own unverified entries 2 and 3, even
    /// though the leader's commit index is 3.
    /// </summary>
    [Fact]
    public void Section5_3_FollowerCommitIsMinOfLeaderCommitAndVerifiedIndex()
    {
        var follower = StaleFollower(RaftBugs.None);
        follower.Step(AppendFromLeader(commit: 3));
        Assert.Equal(1UL, follower.CommitIndex);

        follower.Step(AppendFromLeader(commit: 3, 2));
        Assert.Equal(2UL, follower.CommitIndex);
        Assert.Equal(new ulong[] { 1, 2 }, Terms(follower));

        var next = AppendFromLeader(commit: 3, 3);
        (next.Index, next.LogTerm) = (2, 2);
        follower.Step(next);
        Assert.Equal(3UL, follower.CommitIndex);
    }

    /// <summary>Canary CommitBeyondVerified: the follower commits its stale term-1 entries 2 and 3.</summary>
    [Fact]
    public void Canary_CommitBeyondVerified_CommitsUnverifiedEntries()
    {
        var follower = StaleFollower(new RaftBugs { CommitBeyondVerified = true });
        follower.Step(AppendFromLeader(commit: 3));
        Assert.Equal(3UL, follower.CommitIndex);
        Assert.Equal(1UL, follower.TermAt(3)); // committed, yet never the leader's entry
    }

    /// <summary>Reference: section 5.3. A rejected consistency check answers at once and changes nothing.</summary>
    [Fact]
    public void Section5_3_RejectsAppendWhosePreviousEntryDoesNotMatch()
    {
        var follower = StaleFollower(RaftBugs.None);
        follower.Step(new Message { Type = MessageType.MsgAppend, From = 1, To = 2, Term = 2, Index = 3, LogTerm = 2, Commit = 3 });
        var ready = follower.TakeReady();

        var reject = Assert.Single(ready.MessagesNow);
        Assert.Equal((true, 3UL, 3UL), (reject.Reject, reject.Index, reject.RejectHint));
        Assert.Empty(ready.Entries);
        Assert.Equal(new ulong[] { 1, 1, 1 }, Terms(follower));
        Assert.Equal(1UL, follower.CommitIndex);
    }

    /// <summary>
    /// Reference: section 5.3. The leader backs nextIndex off until the logs agree, then overwrites the
    /// follower's divergent suffix with its own; afterwards all logs are identical (Log Matching).
    /// </summary>
    [Fact]
    public void Section5_3_LeaderRepairsDivergentFollower()
    {
        var c = new RaftPump(3, recovered: new Dictionary<ulong, (HardState, ulong[])>
        {
            [1] = (new HardState { Term = 2, Vote = 1, Commit = 1 }, [1, 2, 2]),
            [2] = (new HardState { Term = 2, Vote = 1, Commit = 1 }, [1, 2]),
            [3] = (new HardState { Term = 1, Commit = 1 }, [1, 1, 1, 1, 1]),
        });
        c.Elect(1);
        c.Heartbeat(1);

        Assert.Equal(RaftRole.Leader, c[1].Role);
        ulong[] expected = [1, 2, 2, 3];
        foreach (var id in c.Nodes.Keys)
        {
            Assert.Equal(expected, c.TermsOf(id));
            Assert.Equal(4UL, c[id].CommitIndex);
            Assert.Equal(expected, c.Disks[id].Log.Select(e => e.Term));
        }
    }

    private static ulong[] Terms(RaftNode node) =>
        Enumerable.Range(1, (int)node.LastIndex).Select(i => node.TermAt((ulong)i)).ToArray();
}
