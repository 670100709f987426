using Xunit;

namespace Cairn.Simulation.Tests.Coyote;

/// <summary>
/// The correct core under every strategy: no monitor fires. Checks Election Safety (§5.2), Log
/// Matching of committed entries and State Machine Safety (§5.3–5.4), Leader Completeness (§5.4) and
/// commit-index monotonicity, with reordering, loss, duplication, slow disks and a crash-restart.
/// </summary>
[Collection(CoyoteCollection.Name)]
public class CoyoteSafetyTests
{
    public const uint Iterations = 250;

    [Theory]
    [InlineData(CoyoteStrategy.Random, 11u)]
    [InlineData(CoyoteStrategy.Prioritization, 12u)]
    [InlineData(CoyoteStrategy.FairPrioritization, 13u)]
    public void CorrectCore_KeepsEverySafetyMonitorQuiet(CoyoteStrategy strategy, uint seed)
    {
        var result = CoyoteRun.Explore(new CoyoteCluster(), strategy, Iterations, seed);
        Assert.True(result.BugsFound == 0, result.Describe(nameof(CorrectCore_KeepsEverySafetyMonitorQuiet)));
        Assert.Equal((int)Iterations, result.Iterations);
    }

    /// <summary>Five nodes with two crashes: bigger quorums, more concurrent candidates.</summary>
    [Fact]
    public void CorrectCore_FiveNodes_KeepsEverySafetyMonitorQuiet()
    {
        var cluster = new CoyoteCluster { Nodes = 5, CrashesMax = 2 };
        var result = CoyoteRun.Explore(cluster, CoyoteStrategy.Random, Iterations / 4, 21);
        Assert.True(result.BugsFound == 0, result.Describe(nameof(CorrectCore_FiveNodes_KeepsEverySafetyMonitorQuiet)));
    }
}
