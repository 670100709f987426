using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Xunit;

namespace Cairn.Simulation.Tests.Raft;

/// <summary>The named maxima of <see cref="RaftOptions"/> bound what a node accepts and sends.</summary>
public sealed class LimitsTests
{
    [Fact]
    public void Limits_ProposalOverMaxIsRejected()
    {
        var c = new RaftPump(3, o => o with { ProposalBytesMax = 16 });
        c.Elect(1);
        var last = c[1].LastIndex;

        var refused = c[1].Propose(new byte[17]);
        Assert.False(refused.Accepted);
        Assert.Contains("ProposalBytesMax", refused.Error);
        Assert.Equal(last, c[1].LastIndex);

        Assert.True(c[1].Propose(new byte[16]).Accepted);
        Assert.Equal("not leader", c[2].Propose(new byte[1]).Error);
    }

    [Fact]
    public void Limits_UncommittedEntriesOverMaxAreRejected()
    {
        var c = new RaftPump(3, o => o with { UncommittedEntriesMax = 3 });
        c.Elect(1);
        c.Down.UnionWith([2, 3]);
        for (var i = 0; i < 3; i++) Assert.True(c[1].Propose(new byte[1]).Accepted);
        var refused = c[1].Propose(new byte[1]);
        Assert.False(refused.Accepted);
        Assert.Contains("UncommittedEntriesMax", refused.Error);

        c.Down.Clear();
        for (var i = 0; i < 10 && c[1].CommitIndex < c[1].LastIndex; i++) c.Heartbeat(1);
        Assert.True(c[1].Propose(new byte[1]).Accepted);
    }

    /// <summary>A lagging follower catches up in appends of at most AppendEntriesMax entries and AppendBytesMax
    /// payload bytes, except that an oversized entry travels alone.</summary>
    [Fact]
    public void AppendBatch_RespectsEntryAndByteMaxima()
    {
        const int entriesMax = 3, bytesMax = 100;
        var c = new RaftPump(3, o => o with { AppendEntriesMax = entriesMax, AppendBytesMax = bytesMax, ProposalBytesMax = 1000 });
        c.Elect(1);
        c.Down.UnionWith([2, 3]);
        foreach (var size in Enumerable.Repeat(40, 7).Append(150).Concat(Enumerable.Repeat(10, 9)))
            Assert.True(c[1].Propose(new byte[size]).Accepted);

        c.Down.Clear();
        for (var i = 0; i < 50 && c[3].LastIndex < c[1].LastIndex; i++) c.Heartbeat(1);
        c.Heartbeat(1); // the follower learns the final commit index from the next heartbeat

        var appends = c.Sent.Where(m => m.Type == MessageType.MsgAppend && m.Entries.Count > 0).ToList();
        Assert.All(appends, m =>
        {
            Assert.InRange(m.Entries.Count, 1, entriesMax);
            Assert.True(m.Entries.Count == 1 || m.Entries.Sum(e => e.Data.Length) <= bytesMax,
                $"{m.Entries.Count} entries of {m.Entries.Sum(e => e.Data.Length)} bytes");
        });
        Assert.Contains(appends, m => m.Entries.Count == entriesMax);
        Assert.Contains(appends, m => m.Entries.Count == 1 && m.Entries[0].Data.Length == 150);
        foreach (var id in new ulong[] { 2, 3 })
            Assert.Equal(c.TermsOf(1), c.TermsOf(id));
        Assert.Equal(c[1].LastIndex, c[3].CommitIndex);
    }
}
