using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Xunit;

namespace Cairn.Simulation.Tests.Runtime;

/// <summary>
/// Batching (NodeRuntime.BeginBatch): inputs given inside a batch produce one Ready, so a burst of proposals is
/// one disk write; the persistence contract holds (nothing is applied or acknowledged before it is durable); a
/// commit-index-only change submits no write of its own and is recoverable after a restart.
/// </summary>
public sealed class BatchTests
{
    /// <summary>Persist before acknowledge: a burst of proposals in one batch is one DiskWrite, and nothing of it
    /// is applied until that write completes.</summary>
    [Fact]
    public void Batch_BurstOfProposalsIsOneDiskWrite()
    {
        var cluster = new InProcessCluster(1, synchronousDisk: false, synchronousNetwork: false);
        var node = cluster.ElectLeader();
        cluster.Settle();
        var applied = node.Raft.AppliedIndex;
        using (node.BeginBatch())
        {
            for (var i = 0; i < 20; i++) node.Propose((ulong)i + 1, new byte[] { 1 });
            Assert.Equal(0, node.PendingWrites);
        }
        Assert.Equal(1, node.PendingWrites);
        Assert.Equal(applied, node.Raft.AppliedIndex);
        cluster.Settle();
        Assert.Equal(applied + 20, node.Raft.AppliedIndex);
        Assert.Equal(20, cluster.Machines[node.Raft.Id].Applies);
    }

    /// <summary>Batches nest: only the outermost end carries out the Ready.</summary>
    [Fact]
    public void Batch_NestedBatchesCarryOutOnlyAtTheOutermostEnd()
    {
        var cluster = new InProcessCluster(1, synchronousDisk: false, synchronousNetwork: false);
        var node = cluster.ElectLeader();
        cluster.Settle();
        using (node.BeginBatch())
        {
            using (node.BeginBatch()) node.Propose(1, new byte[] { 1 });
            Assert.Equal(0, node.PendingWrites);
            node.Propose(2, new byte[] { 1 });
        }
        Assert.Equal(1, node.PendingWrites);
    }

    /// <summary>A 3-node cluster driven entirely in batches (ticks, frames, completions) elects, replicates and
    /// applies the same entries everywhere (Raft §5.3 Log Matching, State Machine Safety).</summary>
    [Fact]
    public void Batch_ClusterDrivenInBatchesAgrees()
    {
        var cluster = new InProcessCluster(3, synchronousDisk: false, synchronousNetwork: false);
        var leader = cluster.ElectLeader();
        cluster.Settle();
        using (leader.BeginBatch())
            for (var i = 0; i < 10; i++) leader.Propose((ulong)i + 1, new byte[] { 3 });
        for (var round = 0; round < 5; round++)
        {
            foreach (var node in cluster.Nodes.Values)
                using (node.BeginBatch()) cluster.Settle();
        }
        cluster.Settle();
        var last = leader.Raft.LastIndex;
        foreach (var node in cluster.Nodes.Values)
        {
            Assert.False(node.Stopped, node.StopReason);
            Assert.Equal(last, node.Raft.AppliedIndex);
            for (var i = 1UL; i <= last; i++) Assert.Equal(leader.Raft.TermAt(i), node.Raft.TermAt(i));
        }
    }

    /// <summary>
    /// Raft Figure 2 (commitIndex is volatile): a follower that learns only a higher commit index writes nothing.
    /// The change rides along with the next write, and a restart recovers the commit index anyway.
    /// </summary>
    [Fact]
    public void CommitOnlyChange_SubmitsNoWriteOfItsOwn()
    {
        var cluster = new InProcessCluster(3, synchronousDisk: false, synchronousNetwork: false);
        var leader = cluster.ElectLeader();
        cluster.Settle();
        var follower = cluster.Nodes.Values.First(n => n != leader);
        var writesBefore = cluster.Disks[follower.Raft.Id].Submitted;
        leader.Propose(1, new byte[] { 1 });
        cluster.Settle();
        Assert.Equal(leader.Raft.CommitIndex, follower.Raft.CommitIndex);
        // One write for the entry; the commit index that followed (the leader's commit broadcast) wrote nothing.
        Assert.Equal(writesBefore + 1, cluster.Disks[follower.Raft.Id].Submitted);
    }

    /// <summary>The state machine's applied index raises the recovered commit index: applied entries were committed.</summary>
    [Fact]
    public void Restart_AppliedIndexRaisesTheRecoveredCommitIndex()
    {
        var log = new List<Entry> { new() { Index = 1, Term = 1 }, new() { Index = 2, Term = 1 }, new() { Index = 3, Term = 1 } };
        var options = new RaftOptions { Id = 1, Peers = new ulong[] { 1, 2, 3 } };
        var node = new RaftNode(options, new Cairn.Simulation.Engine.SimRandom(1), new HardState { Term = 1, Commit = 1 }, log);
        node.SetApplied(2);
        Assert.Equal((2UL, 2UL), (node.CommitIndex, node.AppliedIndex));
    }
}
