using Cairn.Core.Raft;
using Xunit;

namespace Cairn.Property.Tests.Raft;

/// <summary>Raft §5.2/§5.4: the quorum is the smallest group such that any two quorums intersect.</summary>
public sealed class QuorumTests
{
    [Fact]
    public void AnyTwoQuorumsIntersectAndNoSmallerGroupWould()
    {
        for (int voters = 1; voters <= 64; voters++)
        {
            int quorum = Quorum.Of(voters);
            Assert.True(2 * quorum > voters, $"two quorums of {quorum} out of {voters} could be disjoint");
            Assert.True(2 * (quorum - 1) <= voters, $"{quorum - 1} out of {voters} would already intersect");
            Assert.Equal(voters - quorum, Quorum.MinorityMax(voters));
        }
    }

    [Fact]
    public void AnEmptyConfigurationHasNoQuorum() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Quorum.Of(0));
}
