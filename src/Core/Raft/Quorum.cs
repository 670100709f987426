namespace Cairn.Core.Raft;

/// <summary>
/// The majority rule of Raft (§5.2, §5.4): the one place the quorum size is computed. Any two
/// quorums of one configuration intersect, which is what elections and commitment rely on.
/// </summary>
internal static class Quorum
{
    /// <summary>The smallest majority of <paramref name="voters"/> voters: ⌊n/2⌋ + 1.</summary>
    /// <param name="voters">The number of voters, at least 1.</param>
    /// <returns>The quorum size.</returns>
    public static int Of(int voters)
    {
        if (voters < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(voters), voters, "a configuration has at least one voter");
        }

        return (voters / 2) + 1;
    }

    /// <summary>The largest group that is not a quorum (the most voters that can fail while a quorum survives).</summary>
    /// <param name="voters">The number of voters, at least 1.</param>
    /// <returns><paramref name="voters"/> − <see cref="Of"/>(<paramref name="voters"/>).</returns>
    public static int MinorityMax(int voters) => voters - Of(voters);
}
