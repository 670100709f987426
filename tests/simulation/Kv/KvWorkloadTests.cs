using Cairn.Simulation.Engine;
using Cairn.Simulation.Faults;
using Cairn.Simulation.History;
using Cairn.Simulation.Workloads.Kv;
using Cairn.Simulation.World;
using Xunit;

namespace Cairn.Simulation.Tests.Kv;

/// <summary>The kv workload exercises what its checkers check, and its history round-trips as JSON lines.</summary>
public class KvWorkloadTests
{
    private static (SimWorld World, KvWorkload Workload) Run(ulong seed)
    {
        var options = new RunOptions { Seed = seed, Workload = "kv", Faults = FaultMode.Standard, DurationMs = 60_000 };
        var workload = new KvWorkload(SimRandom.Derive(seed, "workload"));
        var world = new SimWorld(options, workload, Cairn.Core.Raft.RaftBugs.None);
        world.Run();
        return (world, workload);
    }

    [Fact]
    public void StandardFaults_ExerciseReadsWritesLeasesWatchesAndCompactions()
    {
        var (world, workload) = Run(7);
        Assert.False(world.Violations.Any, string.Join("; ", world.Violations.All));
        Assert.True(workload.Linearizability!.Ok);
        Assert.True(workload.Acknowledged > 200, $"{workload.Acknowledged} writes acknowledged");
        Assert.True(workload.SerializableReads > 10);
        Assert.True(workload.LeasesGranted > 5);
        Assert.True(workload.KeepAlivesRenewed > 5);
        Assert.True(workload.Compactions > 0, "no compaction applied");
        Assert.True(workload.LeasesFoundExpired > 0, "no lease ever expired");
        Assert.All(workload.WatchStreams, s => Assert.True(s.Events.Count > 50 && s.Watchers > 2, $"stream of client {s.Client}: {s.Events.Count} events, {s.Watchers} watchers"));
        var ops = EventPairing.ToOperations(workload.HistoryEvents);
        Assert.Contains(ops, o => o.Request is TxnRequest { Success.Count: > 1 });
        Assert.Contains(ops, o => o.Request is RangeRequest { RangeEnd: not null });
    }

    [Fact]
    public void History_RoundTripsThroughJsonLines()
    {
        var (_, workload) = Run(11);
        using var stream = new MemoryStream();
        HistoryJsonWriter.Write(stream, workload.HistoryEvents);
        stream.Position = 0;
        var read = HistoryJsonReader.Read(new StreamReader(stream));
        Assert.Equal(workload.HistoryEvents.Count, read.Count);
        Assert.True(Cairn.Simulation.Checking.Linearizability.KvLinearizabilityChecker.Check(read).Ok);
    }
}
