using Cairn.Simulation.Faults;
using Xunit;

namespace Cairn.Simulation.Tests.Disk;

/// <summary>etcd-raft's ReportUnreachable / ReportSnapshot in the simulator: the network reports a peer it cannot reach
/// (cut link, process down) and a snapshot chunk lost that way; the leader aborts the transfer and retries from probe.</summary>
public class SnapshotTransportReportTests
{
    /// <summary>Searches swarm seeds for runs in which the transport reported failed snapshots: they stay correct and
    /// still install snapshots (the aborted transfers were retried).</summary>
    [Fact]
    public void SnapshotFailureReports_AbortTransfers_AndRunsStayCorrect()
    {
        var reported = 0;
        for (ulong seed = 1; seed <= 40 && reported < 2; seed++)
        {
            var r = Simulator.Run(new RunOptions { Seed = seed, Faults = FaultMode.Swarm, DurationMs = 60_000 });
            Assert.True(r.Ok, SimulationFailure.Describe(r));
            Assert.True(r.UnreachableReports >= r.SnapshotFailureReports);
            if (r.SnapshotFailureReports > 0 && r.SnapshotsInstalled > 0) reported++;
        }
        Assert.True(reported > 0, "no swarm seed in 1-40 reported a failed snapshot and still installed one: the search no longer reaches the shape");
    }
}
