using Cairn.Core.Raft;
using Xunit;

namespace Cairn.Simulation.Tests.Coyote;

/// <summary>
/// Each monitor can fail: a planted Raft bug is found within a bounded number of iterations under
/// every strategy, and the report names a monitor whose property the bug breaks.
/// </summary>
[Collection(CoyoteCollection.Name)]
public class CoyoteCanaryTests
{
    public const uint IterationsMax = 200;

    /// <summary>The canaries this harness catches, with the monitors allowed to report them.</summary>
    private static readonly Dictionary<string, (RaftBugs Bugs, string[] Monitors)> Canaries = new()
    {
        // §5.2: with a quorum of n/2 two candidates win the same term; the later one may also lack
        // entries the first committed, so Leader Completeness can fire first. §5.4.3: the same short
        // quorum commits an entry on a minority, so two leaders of different terms can commit different
        // entries at one index before either of the other monitors sees a problem.
        ["QuorumOffByOne"] = (new RaftBugs { QuorumOffByOne = true },
            [ElectionSafetyMonitor.Name, LeaderCompletenessMonitor.Name, CommittedPrefixMonitor.Name]),
        // §5.2: one vote per term; a node that votes twice elects two leaders.
        ["DoubleVote"] = (new RaftBugs { DoubleVote = true }, [ElectionSafetyMonitor.Name]),
        // Figure 2: commitIndex increases monotonically; a new leader's first heartbeat carries commit 0.
        ["CommitIndexRegresses"] = (new RaftBugs { CommitIndexRegresses = true }, [CommitMonotonicMonitor.Name]),
    };

    public static TheoryData<string, CoyoteStrategy> Cases()
    {
        var data = new TheoryData<string, CoyoteStrategy>();
        foreach (var name in Canaries.Keys)
            foreach (var strategy in Enum.GetValues<CoyoteStrategy>()) data.Add(name, strategy);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Canary_IsFoundByItsMonitor(string canary, CoyoteStrategy strategy)
    {
        var (bugs, monitors) = Canaries[canary];
        var result = CoyoteRun.Explore(new CoyoteCluster { Bugs = bugs }, strategy, IterationsMax, seed: 7);
        var described = result.Describe($"{nameof(Canary_IsFoundByItsMonitor)}(canary: \\\"{canary}\\\", strategy: {strategy})");
        Assert.True(result.BugsFound > 0, $"canary {canary} survived {IterationsMax} iterations: {described}");
        Assert.True(result.BugReports.Any(r => monitors.Any(m => r.Contains(m + " violated", StringComparison.Ordinal))),
            $"canary {canary} was found, but not by {string.Join(" or ", monitors)}: {described}");
    }
}
