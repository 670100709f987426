using Cairn.Core.Runtime;
using Cairn.Core.StateMachine;
using Cairn.Simulation.Faults;
using Xunit;

namespace Cairn.Simulation.Tests.Checkers;

/// <summary>
/// A checker that cannot fail is a defect. Each invariant is shown to fire on its own: a canary, with
/// the checkers that would catch it first muted, must trip exactly this invariant within a bounded
/// number of swarm seeds.
/// </summary>
public class EveryCheckerCanFailTests
{
    private const int SeedBudget = 200;

    public static TheoryData<string, string, string, string> Cases() => new()
    {
        { "ElectionSafety", "quorum-off-by-one", "LeaderHasQuorumOfVotes,CommittedEntryDurable,LeaderCompleteness,CommittedPrefixAgreement", "register" },
        { "LeaderHasQuorumOfVotes", "count-duplicate-votes", "", "register" },
        { "VoteOncePerTerm", "double-vote", "", "register" },
        { "LogMatching", "no-truncate-on-conflict", "", "register" },
        { "LeaderCompleteness", "quorum-off-by-one", "LeaderHasQuorumOfVotes,CommittedEntryDurable,ElectionSafety,LogMatching", "register" },
        { "LeaderCommitsCurrentTerm", "figure8-commit", "", "register" },
        { "CommittedPrefixAgreement", "commit-beyond-verified", "", "register" },
        { "CommitMonotonic", "commit-index-regresses", "", "register" },
        { "CommittedEntryDurable", "ack-before-sync", "", "register" },
        { "ApplyOnlyDurable", "apply-before-durable", "", "register" },
        { "DurableStateRecovered", "corrupt-length-as-torn-tail", "", "register" },
        { "AcknowledgedCommandCommitted", "ack-without-term-check", "", "register" },
        { "Liveness", "abandon-lagging-follower", "", "register" },
        { "Bounded", "commit-beyond-verified", "CommittedPrefixAgreement,Liveness", "register" },
        { "Linearizability", "skip-dedup", "", "kv" },
        { "WatchStream", "watch-drops-event", "", "kv" },
        { "ReplicaAgreement", "local-lease-expiry", "", "kv" },
        { "Session", "snapshot-without-sessions", "ReplicaAgreement", "kv" },
        { "ReplicaAgreement", "restore-drops-lease-key", "", "kv" },
        { "LeaseExpiry", "lease-expires-early", "", "kv" },
        { "WatchStream", "watch-stream-stalls", "", "kv" },
        { "ReadReplyApplied", "read-reply-ahead", "", "kv" },
        { "RequestId", "admit-pending-request-id", "", "kv" },
        { "ReplyAttribution", "admit-pending-request-id", "RequestId", "kv" },
        { "SnapshotIntegrity", "snapshot-install-unverified", "", "register" },
        { "SnapshotWindow", "snapshot-window-overrun", "", "kv-large" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Invariant_FiresOnItsOwn(string invariant, string bug, string muted, string workload)
    {
        var mutedList = muted.Split(',', StringSplitOptions.RemoveEmptyEntries);
        for (var start = 1; start <= SeedBudget; start += 8)
        {
            var hits = new System.Collections.Concurrent.ConcurrentBag<ulong>();
            Parallel.For(start, start + 8, seed =>
            {
                var r = Simulator.Run(new RunOptions { Seed = (ulong)seed, Faults = FaultMode.Swarm, Bug = bug, Workload = workload, Muted = mutedList });
                if (r.FirstInvariant == invariant) hits.Add((ulong)seed);
            });
            if (!hits.IsEmpty) return;
        }
        Assert.Fail($"{invariant} never fired for canary {bug} (muted: {muted}) in {SeedBudget} swarm seeds");
    }

    /// <summary>Issue 8 §2: a restart never loses applied state of a durable state-machine store. The canary
    /// compacts the log past the store's durable applied index; a node restarting after that must be caught.</summary>
    [Fact]
    public void AppliedStateDurable_FiresOnItsOwn()
    {
        for (var start = 1; start <= SeedBudget; start += 8)
        {
            var hits = new System.Collections.Concurrent.ConcurrentBag<ulong>();
            Parallel.For(start, start + 8, seed =>
            {
                var r = Simulator.Run(new RunOptions { Seed = (ulong)seed, Faults = FaultMode.Swarm, Bug = "compact-past-durable-applied", Workload = "kv", Store = "sqlite" });
                if (r.FirstInvariant == "AppliedStateDurable") hits.Add((ulong)seed);
            });
            if (!hits.IsEmpty) return;
        }
        Assert.Fail($"AppliedStateDurable never fired for canary compact-past-durable-applied in {SeedBudget} swarm seeds (--store sqlite)");
    }

    [Fact]
    public void NodePanic_AnExceptionInsideANodeIsAViolationWithItsSeed()
    {
        var r = Simulator.Run(new RunOptions { Seed = 5, Faults = FaultMode.None, DurationMs = 10_000, Workload = "register" },
            new Workloads.CommandWorkload(new Engine.SimRandom(5)) { StateMachineFactory = () => new ThrowingStateMachine(after: 20) });
        Assert.False(r.Ok);
        Assert.Equal("NodePanic", r.FirstInvariant);
        Assert.Contains("seed=5", r.Violations[0]);
    }

    /// <summary>A state machine that throws on its Nth apply: a stand-in for any bug that panics a node.</summary>
    private sealed class ThrowingStateMachine(int after) : IStateMachine
    {
        private int _applied;
        public ulong AppliedIndex { get; private set; }
        public byte[] Apply(ulong index, ReadOnlySpan<byte> command)
        {
            if (++_applied > after) throw new InvalidOperationException("planted panic");
            AppliedIndex = index;
            return Array.Empty<byte>();
        }
        public byte[] TakeSnapshot() => Array.Empty<byte>();
        public void RestoreSnapshot(ReadOnlySpan<byte> snapshot) { }
    }
}
