using System.Text.RegularExpressions;
using Cairn.Simulation.Canaries;
using Cairn.Simulation.Cli;
using Cairn.Simulation.Faults;
using Cairn.Simulation.Reporting;
using Xunit;

namespace Cairn.Simulation.Tests.Understanding;

/// <summary>
/// Understanding a run: <c>replay</c> and the HTML report show each election (Raft §5.2: a leader wins with votes
/// from a majority) and a linearizability counterexample with the writes its reads depend on.
/// </summary>
public partial class ElectionsAndCounterexampleTests
{
    [GeneratedRegex(@"= (\d+) of (\d+) \(a majority is (\d+)\)")]
    private static partial Regex Tally();

    [Fact]
    public void Replay_PrintsCandidatesVotesAndEachLeaderWithAMajorityOfVotes()
    {
        var (exit, stdout) = SimProcess.Run("replay --seed 2 --nodes 3 --duration 8s --faults standard");
        Assert.Equal(0, exit);
        var lines = stdout.Split('\n');
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^\s+\d+ candidate\s+n\d term \d+: stands for election"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^\s+\d+ vote\s+n\d term \d+: grants n\d"));
        var leaders = lines.Where(l => l.Contains("becomes leader", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(leaders);
        foreach (var line in leaders)
        {
            var m = Tally().Match(line);
            Assert.True(m.Success, line);
            Assert.True(int.Parse(m.Groups[1].Value) >= int.Parse(m.Groups[3].Value), $"Raft §5.2: a leader needs a majority: {line}");
        }
        var times = lines.Where(l => l.Length > 8 && !l.StartsWith('#')).Select(l => long.Parse(l[..8].Trim())).ToList();
        Assert.Equal(times.Order(), times);
    }

    [Fact]
    public void Report_ExplainsEveryElectionWonInARun()
    {
        var r = Simulator.Run(new RunOptions { Seed = 5, Nodes = 5, DurationMs = 20_000, Faults = FaultMode.Swarm, RecordTimeline = true });
        var t = r.Timeline!;
        Assert.NotEmpty(t.Votes);
        var elections = Election.Of(t);
        Assert.Contains(elections, e => e.Winner is not null);
        foreach (var e in elections.Where(e => e.Winner is not null))
            Assert.True(e.GrantsFor(e.Winner!.Value).Count + 1 >= e.Majority, $"term {e.Term}: {e.Explain()}");
        var html = HtmlReport.Render(t);
        Assert.Contains("Elections (", html);
        Assert.Contains("class=\"vote-g\"", html);
        Assert.Contains(" won: votes from ", html);
    }

    [Fact]
    public void Report_OfALinearizabilityViolation_MarksTheCounterexampleAndTheWritesItsReadsDependOn()
    {
        var canary = CanaryCatalog.Find("follower-linearizable-read");
        RunResult? failing = null;
        for (ulong seed = 1; seed <= 40 && failing is null; seed++)
        {
            var r = Simulator.Run(new RunOptions { Seed = seed, Workload = canary.Workload, Bug = canary.Name, DurationMs = 30_000, RecordTimeline = true });
            if (r.FirstInvariant == "Linearizability") failing = r;
        }
        Assert.NotNull(failing);
        var t = failing!.Timeline!;
        Assert.NotEmpty(t.Counterexample);
        foreach (var op in t.Counterexample)
            foreach (var w in op.DependsOn)
                Assert.True(t.Counterexample.Single(c => c.Index == w).IsWrite, $"#{op.Index} depends on #{w}, which is not a write");
        var html = HtmlReport.Render(t);
        Assert.Contains("Linearizability counterexample: ", html);
        foreach (var op in t.Counterexample) Assert.Contains($">#{op.Index}</text>", html);
        if (t.Counterexample.Any(c => !c.IsWrite && c.DependsOn.Count > 0)) Assert.Contains("class=\"cex-dep\"", html);
    }

    [Fact]
    public void DependsOn_FollowsTheKeysAReadTouches()
    {
        Assert.True(CounterexampleMarks.Overlap(("k1", null), ("k1", null)));
        Assert.False(CounterexampleMarks.Overlap(("k1", null), ("k2", null)));
        Assert.True(CounterexampleMarks.Overlap(("k0", "k5"), ("k3", null)));
        Assert.False(CounterexampleMarks.Overlap(("k0", "k3"), ("k3", null)));
        Assert.True(CounterexampleMarks.Overlap(("k", "\0"), ("z", null)));
    }
}
