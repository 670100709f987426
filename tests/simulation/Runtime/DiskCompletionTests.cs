using Cairn.Core.Raft;
using Xunit;

namespace Cairn.Simulation.Tests.Runtime;

/// <summary>
/// Disk completions (issue 7 §1): reported one by one in submission order, or cumulatively for group
/// commit. Anything else fail-stops the node in every build, because acknowledging on a wrong report
/// could lose an acknowledged write.
/// </summary>
public sealed class DiskCompletionTests
{
    /// <summary>A single-node cluster with a queued disk: the leader's writes stay pending until the test completes them.</summary>
    private static (InProcessCluster Cluster, Cairn.Core.Runtime.NodeRuntime Node) PendingWrites(int proposals)
    {
        var cluster = new InProcessCluster(1, synchronousDisk: false, synchronousNetwork: false);
        var node = cluster.ElectLeader();
        for (var i = 0; i < proposals; i++) node.Propose((ulong)i + 1, new byte[] { 1 });
        return (cluster, node);
    }

    [Fact]
    public void DiskCompletion_OutOfOrder_FailStopsTheNode()
    {
        var (cluster, node) = PendingWrites(2);
        var disk = cluster.Disks[node.Raft.Id];
        var first = disk.CompleteQueuedId();
        var second = disk.CompleteQueuedId();
        Assert.True(first is not null && second is not null && second > first);
        node.OnDiskWriteDurable(second!.Value);
        Assert.True(node.Stopped, "a completion that skips the oldest pending write must fail-stop");
        Assert.Contains("out of order", node.StopReason);
        Assert.Contains($"expected {first}", node.StopReason);
    }

    [Fact]
    public void DiskCompletion_UnknownId_FailStopsTheNode()
    {
        var (_, node) = PendingWrites(1);
        Assert.True(node.PendingWrites >= 1);
        node.OnDiskWriteDurable(long.MaxValue);
        Assert.True(node.Stopped);
        Assert.Contains("unknown id", node.StopReason);
    }

    [Fact]
    public void DiskCompletion_WithNothingPending_FailStopsTheNode()
    {
        var cluster = new InProcessCluster(1, synchronousDisk: true, synchronousNetwork: false);
        var node = cluster.ElectLeader();
        Assert.Equal(0, node.PendingWrites);
        node.OnDiskWriteDurable(1);
        Assert.True(node.Stopped);
        Assert.Contains("no write is pending", node.StopReason);
    }

    [Fact]
    public void DiskCompletion_CumulativeCompletionCoversEveryEarlierWrite()
    {
        var (cluster, node) = PendingWrites(0);
        var disk = cluster.Disks[node.Raft.Id];
        cluster.Settle();
        var commitBefore = node.Raft.CommitIndex;
        // Keep the next writes pending: swap in a disk that never completes by itself.
        var ids = new List<long>();
        for (var i = 0; i < 5; i++) node.Propose((ulong)i + 10, new byte[] { 2 });
        Assert.True(node.PendingWrites >= 1);
        while (disk.CompleteQueuedId() is { } id) ids.Add(id);
        Assert.NotEmpty(ids);
        node.OnDiskWritesDurableThrough(ids[^1]); // one report for the whole group
        Assert.False(node.Stopped, node.StopReason);
        // What remains pending is only what the completion itself produced (the new commit index to persist).
        Assert.True(node.PendingWrites <= 1, $"{node.PendingWrites} writes still pending");
        Assert.True(node.Raft.CommitIndex >= commitBefore + 5);
        Assert.Equal(node.Raft.CommitIndex, node.Raft.AppliedIndex);
    }

    [Fact]
    public void DiskCompletion_CumulativeForAnUnknownId_FailStopsTheNode()
    {
        var (cluster, node) = PendingWrites(0);
        cluster.Settle();
        node.Propose(1, new byte[] { 1 });
        node.OnDiskWritesDurableThrough(long.MaxValue);
        Assert.True(node.Stopped);
        Assert.Contains("unknown id", node.StopReason);
    }

    [Fact]
    public void RaftBugs_AcceptOutOfOrderCompletion_IsOffByDefault() => Assert.False(RaftBugs.None.AcceptOutOfOrderCompletion);
}
