using Cairn.Core.Raft;
using Xunit;

namespace Cairn.Simulation.Tests.Raft;

/// <summary>
/// Raft §5.2 with one voter: the node's own vote is its whole quorum, so it may lead only once that vote
/// (and its term) is durable. Otherwise a crash before the sync forgets the term, the node campaigns for the
/// same term again and appends a different log under it — two logs with one (index, term), against §5.3's
/// Log Matching property.
/// </summary>
public sealed class SingleVoterTests
{
    /// <summary>Reference: section 5.2. A lone candidate waits for its hard state to be durable before it leads.</summary>
    [Fact]
    public void Section5_2_SingleVoter_LeadsOnlyOnceItsVoteIsDurable()
    {
        var c = new RaftPump(1);
        c.ManualSync.Add(1);
        c.Campaign(1);
        Assert.Equal(RaftRole.Candidate, c[1].Role);
        Assert.Equal((1UL, 1UL), (c[1].Term, c[1].Vote));

        c.Sync(1);

        Assert.Equal(RaftRole.Leader, c[1].Role);
        Assert.Equal(1UL, c[1].Term);
    }
}
