using Cairn.Simulation.Faults;
using Cairn.Simulation.World;
using Xunit;

namespace Cairn.Simulation.Tests.Kv;

/// <summary>
/// Issue 7 §3, coverage of rare paths: limits drawn from the seed (tiny in some runs) reproduce with the seed
/// and are shown; under them session eviction, sessions restored from a snapshot then evicted, reused request
/// ids and late watchers all run under the checkers and stay clean. Each test searches a seed range for a run
/// that reaches its path instead of assuming one seed does.
/// </summary>
public class KvRarePathTests
{
    private const int Clients = 5;

    private static RunResult Run(ulong seed, long durationMs = 40_000) =>
        Simulator.Run(new RunOptions { Seed = seed, Workload = "kv", Faults = FaultMode.Standard, DurationMs = durationMs, Clients = Clients });

    private static long Count(RunResult r, string name) =>
        r.Coverage.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('='))
            .Where(p => p[0] == name).Select(p => long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();

    /// <summary>Searches <paramref name="seeds"/> for the first run that <paramref name="reached"/>; every run searched must be clean.</summary>
    private static RunResult FirstReaching(IEnumerable<ulong> seeds, Func<RunResult, bool> reached, string path)
    {
        foreach (ulong seed in seeds)
        {
            RunResult r = Run(seed);
            Assert.True(r.Ok, SimulationFailure.Describe(r));
            if (reached(r)) return r;
        }
        Assert.Fail($"no searched seed reached {path}");
        return null!;
    }

    [Fact]
    public void SeededLimits_TheSameSeedDrawsTheSameLimits_AndEveryLimitIsTinyInSomeRuns()
    {
        RunLimits[] draws = [.. Enumerable.Range(1, 200).Select(s => RunLimits.Draw((ulong)s, Clients))];
        Assert.All(Enumerable.Range(1, 200), s => Assert.Equal(draws[s - 1], RunLimits.Draw((ulong)s, Clients)));
        Assert.Contains(draws, d => d.SessionsMax is < Clients);
        Assert.Contains(draws, d => d.SessionIdleEntriesMax is <= RunLimits.SessionIdleEntriesTinyMax);
        Assert.Contains(draws, d => d.WatchPendingResponsesMax is <= RunLimits.WatchQueueTinyMax);
        Assert.Contains(draws, d => d.WatchFlushMax is <= RunLimits.WatchQueueTinyMax);
        Assert.Contains(draws, d => d.AppendEntriesMax is <= RunLimits.AppendEntriesTinyMax);
        Assert.Contains(draws, d => d.SnapshotEntriesThreshold is <= RunLimits.SnapshotThresholdTinyMax);
        Assert.Contains(draws, d => d.RequestIdReusePercent is > 0);
        Assert.Contains(draws, d => d.Describe().Length == 0); // and some runs keep every default
    }

    [Fact]
    public void RunResult_ShowsTheLimitsItsSeedDrew()
    {
        ulong seed = Enumerable.Range(1, 50).Select(s => (ulong)s).First(s => RunLimits.Draw(s, Clients).Describe().Length > 0);
        RunResult r = Run(seed, 10_000);
        Assert.Equal(RunLimits.Draw(seed, Clients).Describe(), r.Limits);
        Assert.Equal(r.Limits, Run(seed, 10_000).Limits);
    }

    [Fact]
    public void ReusedPendingRequestIds_AreRefusedAsTheSecondRequestsFailure_AndNoReplyGoesAstray()
    {
        // RequestId and ReplyAttribution run in every one of these runs; a refusal must have happened in one.
        IEnumerable<ulong> seeds = Enumerable.Range(1, 100).Select(s => (ulong)s).Where(s => RunLimits.Draw(s, Clients).RequestIdReusePercent is not null).Take(12);
        RunResult r = FirstReaching(seeds, r => Count(r, "reusedIdRefusals") > 0, "a refused reused request id");
        Assert.True(Count(r, "requestIdsReused") >= Count(r, "reusedIdRefusals"));
    }

    [Fact]
    public void TinySessionTable_EvictsSessions_AndWithTinySnapshotsRestoredSessionsAreEvictedConsistently()
    {
        // ReplicaAgreement compares sessions after every apply, so a replica that restored a snapshot and then
        // evicted differently from the others fails the run.
        IEnumerable<ulong> seeds = Enumerable.Range(1, 400).Select(s => (ulong)s)
            .Where(s => RunLimits.Draw(s, Clients) is { SessionsMax: not null, SnapshotEntriesThreshold: not null }).Take(8);
        RunResult r = FirstReaching(seeds, r => Count(r, "sessionsEnded") > 0 && r.SnapshotsInstalled > 0, "session eviction with snapshot installs");
        Assert.True(r.SnapshotsTaken > 0);
    }

    [Fact]
    public void LateWatcherWithoutStartRevision_ReceivesACheckedStream()
    {
        RunResult r = FirstReaching(Enumerable.Range(1, 10).Select(s => (ulong)s), r => Count(r, "lateWatchEvents") > 0, "a late watcher's events");
        Assert.True(r.Ok);
    }
}
