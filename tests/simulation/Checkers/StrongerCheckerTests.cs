using Cairn.Core.Kv;
using Cairn.Core.Kv.Wire;
using Cairn.Simulation.Checking.Linearizability;
using Cairn.Simulation.Checking.Linearizability.Benchmark;
using Cairn.Simulation.Checking.Watch;
using Cairn.Simulation.Faults;
using Google.Protobuf;
using Xunit;

namespace Cairn.Simulation.Tests.Checkers;

/// <summary>
/// Issue 7 §3, the checkers that bite harder: the replica state hash covers the whole replicated state,
/// the watch reference is rebuilt without the node code, an unknown linearizability verdict is named, and
/// new invariant names can be muted.
/// </summary>
public class StrongerCheckerTests
{
    private static byte[] Command(KvCommand command) => command.ToByteArray();

    private static KvCommand Put(string key, string value, long lease = 0) =>
        new() { Put = new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(value), Lease = lease } };

    private static (KvStateMachine Machine, List<byte[]> Replies) Replay(IEnumerable<KvCommand> commands)
    {
        var machine = new KvStateMachine();
        var replies = new List<byte[]>();
        ulong index = 0;
        foreach (KvCommand c in commands) replies.Add(machine.Apply(++index, Command(c)));
        return (machine, replies);
    }

    private static KvCommand[] LeasedHistory() =>
    [
        new KvCommand { LeaseGrant = new LeaseGrantRequest { ID = 7, TTL = 5 } },
        Put("a", "1", lease: 7),
        Put("b", "2"),
        Put("a", "3", lease: 7),
        new KvCommand { DeleteRange = new DeleteRangeRequest { Key = ByteString.CopyFromUtf8("b") } },
    ];

    /// <summary>State machine safety (Raft §5.4.3): replicas that applied the same log hold the same digest,
    /// in every process (no runtime hash codes), and a snapshot restore reproduces it.</summary>
    [Fact]
    public void StateDigest_SameLogSameDigest_AndSnapshotRestoreKeepsIt()
    {
        var (first, _) = Replay(LeasedHistory());
        var (second, _) = Replay(LeasedHistory());
        Assert.Equal(first.StateDigest(), second.StateDigest());
        var restored = new KvStateMachine();
        restored.RestoreSnapshot(first.TakeSnapshot());
        Assert.Equal(first.StateDigest(), restored.StateDigest());
    }

    /// <summary>The digest sees what the old summary (revision, lease count, session count) did not: a key
    /// missing from a lease's attached keys after a restore.</summary>
    [Fact]
    public void StateDigest_RestoreThatDropsALeasedKey_Differs()
    {
        var (source, _) = Replay(LeasedHistory());
        var buggy = new KvStateMachine(null, null, null, null, new KvBugs { RestoreDropsLeaseKey = true });
        buggy.RestoreSnapshot(source.TakeSnapshot());
        Assert.Equal(source.Revision, buggy.Revision);
        Assert.Equal(source.Leases.Count, buggy.Leases.Count);
        Assert.NotEqual(source.StateDigest(), buggy.StateDigest());
    }

    /// <summary>The watch reference, built from committed commands and replies only, yields the same events
    /// as the node's own watch hub watching everything from revision 1.</summary>
    [Fact]
    public void ReferenceHistory_MatchesTheWatchHubOnALeasedHistory()
    {
        KvCommand[] commands = [.. LeasedHistory(), new KvCommand { LeaseRevoke = new LeaseRevokeRequest { ID = 7 } }];
        var machine = new KvStateMachine();
        var all = ByteString.CopyFrom(0);
        machine.Watches.Create(new WatchCreateRequest { Key = all, RangeEnd = all, PrevKv = true });
        var reference = new ReferenceHistory();
        var hub = new List<(long, Event)>();
        ulong index = 0;
        foreach (KvCommand c in commands)
        {
            byte[] bytes = Command(c);
            byte[] reply = machine.Apply(++index, bytes);
            reference.OnApplied(index, bytes, reply);
            foreach (WatchResponse r in machine.Watches.Drain())
                foreach (Event e in r.Events) hub.Add((r.Header.Revision, e));
        }
        Assert.Equal(hub, reference.Events);
        Assert.Equal(machine.Revision, reference.Revision);
    }

    /// <summary>A search that reaches its limit is reported as "unknown", never as linearizable.</summary>
    [Fact]
    public void SearchLimitReached_VerdictIsUnknown()
    {
        var history = KvHistoryGenerator.Generate(new KvHistoryOptions { Operations = 400, Keys = 2, Clients = 8 }, 3);
        var result = KvLinearizabilityChecker.Check(history, new LinearizabilityOptions { Search = new SearchLimits(StepsMax: 5) });
        Assert.Equal("unknown", result.VerdictName);
        Assert.Equal("linearizable", KvLinearizabilityChecker.Check(history).VerdictName);
    }

    /// <summary>A kv run carries its verdict into <c>run --json</c>; a workload without a history carries null;
    /// <c>--accept-unknown</c> survives into the replay command.</summary>
    [Fact]
    public void RunResult_CarriesTheLinearizabilityVerdict()
    {
        var kv = Simulator.Run(new RunOptions { Seed = 1, Workload = "kv", Faults = FaultMode.None, DurationMs = 10_000 });
        Assert.Equal("linearizable", kv.Linearizability);
        Assert.Contains("\"linearizability\":\"linearizable\"", Cairn.Simulation.Cli.JsonOutput.Write(w => Cairn.Simulation.Cli.JsonOutput.WriteRun(w, kv)));
        var register = Simulator.Run(new RunOptions { Seed = 1, Faults = FaultMode.None, DurationMs = 10_000, AcceptUnknown = true });
        Assert.Null(register.Linearizability);
        Assert.EndsWith("--accept-unknown true", register.ReplayCommand); // ReplayCommandLine prints every flag with its value
    }

    /// <summary><c>--mute</c> works for the new invariant names: with LeaseExpiry muted, the seed that caught
    /// the lease canary no longer reports it.</summary>
    [Fact]
    public void Mute_LeaseExpiry_IsIgnored()
    {
        for (ulong seed = 1; seed <= 60; seed++)
        {
            var options = new RunOptions { Seed = seed, Faults = FaultMode.Swarm, Bug = "lease-expires-early", Workload = "kv" };
            if (Simulator.Run(options).FirstInvariant != "LeaseExpiry") continue;
            var muted = Simulator.Run(options with { Muted = ["LeaseExpiry"] });
            Assert.NotEqual("LeaseExpiry", muted.FirstInvariant);
            return;
        }
        Assert.Fail("lease-expires-early never tripped LeaseExpiry in 60 swarm seeds");
    }
}
