using System.Collections.Concurrent;
using Cairn.Simulation.Canaries;
using Cairn.Simulation.Faults;
using Xunit;

namespace Cairn.Simulation.Tests.Kv;

/// <summary>
/// Every KV canary is caught under <c>--workload kv</c> with standard faults within
/// <see cref="SeedBudget"/> seeds — by the linearizability checker, the watch checker or the replica
/// agreement invariant — and the correct code passes a sweep of kv seeds.
/// </summary>
public class KvCanaryTests
{
    public const int SeedBudget = 500;

    /// <summary>Seeds run side by side; the search stops at the first batch with a detection.</summary>
    private const int Batch = 2;

    public static TheoryData<string, string> KvCanaries() => new()
    {
        { "read-without-readindex", "Linearizability" },
        { "follower-linearizable-read", "Linearizability" },
        { "skip-dedup", "Linearizability" },
        { "non-atomic-txn", "Linearizability" },
        { "watch-drops-event", "WatchStream" },
        { "local-lease-expiry", "ReplicaAgreement" },
        { "snapshot-without-sessions", "ReplicaAgreement" },
        { "follower-read-before-readindex", "Linearizability" },
        { "restore-drops-lease-key", "ReplicaAgreement" },
        { "lease-expires-early", "LeaseExpiry" },
        { "watch-stream-stalls", "WatchStream" },
        { "read-reply-ahead", "ReadReplyApplied" },
        { "admit-pending-request-id", "RequestId" },
        { "readindex-before-term-commit", "Linearizability" },
        { "compact-past-durable-applied", "AppliedStateDurable" },
        { "forward-reply-to-wrong-request", "ReplyAttribution" },
        { "follower-keepalive-without-leader", "LeaseExpiry" },
    };

    [Theory]
    [MemberData(nameof(KvCanaries))]
    public void KvCanary_IsCaughtWithinBudget(string bug, string invariant)
    {
        Assert.Equal("kv", CanaryCatalog.Find(bug).Workload);
        RunResult? caught = FirstDetection(bug);
        Assert.True(caught is not null, $"canary '{bug}' survived {SeedBudget} kv seeds: its checker cannot fail");
        Assert.True(caught.Violations[0].StartsWith(invariant, StringComparison.Ordinal),
            $"canary '{bug}' was caught by another invariant than {invariant}: {SimulationFailure.Describe(caught)}");
    }

    [Fact]
    public void EveryKvCanary_IsListed()
    {
        var tested = KvCanaries().Select(row => (string)row[0]).Order(StringComparer.Ordinal);
        var listed = CanaryCatalog.All.Where(c => c.Kv is not null).Select(c => c.Name).Order(StringComparer.Ordinal);
        Assert.Equal(listed, tested);
    }

    /// <summary>Thirty kv seeds under standard faults break no invariant, and the linearizability search decides
    /// every one of them: an unknown verdict fails like a violation (unknown outcomes are resolved from what the
    /// replicas applied, so the search no longer gives up on them).</summary>
    [Fact]
    public void KvWorkload_30Seeds_Clean()
    {
        var failures = new ConcurrentBag<RunResult>();
        Parallel.For(1, 31, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed =>
        {
            var r = Simulator.Run(new RunOptions { Seed = (ulong)seed, Workload = "kv", Faults = FaultMode.Standard });
            if (!r.Ok) failures.Add(r);
        });
        Assert.True(failures.IsEmpty, string.Join("\n", failures.OrderBy(f => f.Seed).Select(SimulationFailure.Describe)));
    }

    /// <summary>Runs seeds in small parallel batches and returns the first failing run, or null.</summary>
    internal static RunResult? FirstDetection(string bug, int budget = SeedBudget)
    {
        for (int start = 1; start <= budget; start += Batch)
        {
            var found = new ConcurrentBag<RunResult>();
            Parallel.For(start, Math.Min(start + Batch, budget + 1), seed =>
            {
                var r = Simulator.Run(new RunOptions { Seed = (ulong)seed, Bug = bug, Workload = "kv", Store = CanaryCatalog.Find(bug).Store, Faults = FaultMode.Standard });
                if (!r.Ok) found.Add(r);
            });
            if (!found.IsEmpty) return found.MinBy(r => r.Seed);
        }
        return null;
    }
}
