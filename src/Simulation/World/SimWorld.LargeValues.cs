using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Cairn.Simulation.Workloads.Kv;

namespace Cairn.Simulation.World;

public sealed partial class SimWorld
{
    /// <summary>True for the <c>kv-large</c> workload: 4–64 KiB values, a low snapshot threshold and small
    /// snapshot chunks, so snapshot transfers span hundreds of chunks while the leader keeps compacting.</summary>
    public bool LargeValueRun => Options.Workload == "kv-large";

    /// <summary>Snapshot chunks sent, first chunks sent (transfers started, restarted or resent), and the most chunks
    /// one completed transfer needed (its last chunk's position), across every node and incarnation.</summary>
    public long SnapshotChunksSent, SnapshotTransfersStarted, SnapshotChunksPerTransferMax;

    /// <summary>Counts a snapshot chunk leaving <paramref name="message"/>'s sender.</summary>
    private void CountSnapshotChunk(Message message)
    {
        if (message.Type != MessageType.MsgSnapshot) return;
        SnapshotChunksSent++;
        if (message.SnapshotOffset == 0) SnapshotTransfersStarted++;
        if (!message.SnapshotDone) return;
        var position = (long)(message.SnapshotOffset / (ulong)(LargeValueRun ? LargeValues.SnapshotChunkBytes : DefaultChunkBytes)) + 1;
        SnapshotChunksPerTransferMax = Math.Max(SnapshotChunksPerTransferMax, position);
    }

    private static readonly int DefaultChunkBytes = new RaftOptions { Id = 1, Peers = [1UL] }.SnapshotChunkBytesMax;

    private RaftOptions WithLargeValueLimits(RaftOptions options) =>
        LargeValueRun ? options with { SnapshotChunkBytesMax = LargeValues.SnapshotChunkBytes } : options;
}
