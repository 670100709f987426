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

    /// <summary>Completed transfers (a first chunk to a follower, then that follower restoring the snapshot at that
    /// index), their summed and their longest simulated duration in ms.</summary>
    public long SnapshotTransfersCompleted, SnapshotTransferMsTotal, SnapshotTransferMsMax;

    /// <summary>Per follower (index = node id): the snapshot index of the transfer to it in progress, and when its
    /// first chunk left.</summary>
    private (ulong Index, long StartMs)[]? _transferStarts;

    private void NoteTransferStart(Message message)
    {
        _transferStarts ??= new (ulong, long)[Nodes.Count + 1];
        var to = (int)message.To;
        if (to < 1 || to > Nodes.Count || _transferStarts[to].Index == message.Index) return;
        _transferStarts[to] = (message.Index, Scheduler.Now);
    }

    private void NoteTransferDone(ulong node, ulong index)
    {
        if (_transferStarts is null || node < 1 || node > (ulong)Nodes.Count || _transferStarts[node].Index != index) return;
        var ms = Scheduler.Now - _transferStarts[node].StartMs;
        _transferStarts[node] = default;
        SnapshotTransfersCompleted++;
        SnapshotTransferMsTotal += ms;
        SnapshotTransferMsMax = Math.Max(SnapshotTransferMsMax, ms);
    }

    /// <summary>Counts a snapshot chunk leaving <paramref name="message"/>'s sender.</summary>
    private void CountSnapshotChunk(Message message)
    {
        if (message.Type != MessageType.MsgSnapshot) return;
        SnapshotChunksSent++;
        if (message.SnapshotOffset == 0) { SnapshotTransfersStarted++; NoteTransferStart(message); }
        if (!message.SnapshotDone) return;
        var position = (long)(message.SnapshotOffset / (ulong)(LargeValueRun ? LargeValues.SnapshotChunkBytes : DefaultChunkBytes)) + 1;
        SnapshotChunksPerTransferMax = Math.Max(SnapshotChunksPerTransferMax, position);
    }

    private static readonly int DefaultChunkBytes = new RaftOptions { Id = 1, Peers = [1UL] }.SnapshotChunkBytesMax;

    private RaftOptions WithLargeValueLimits(RaftOptions options) =>
        LargeValueRun ? options with { SnapshotChunkBytesMax = LargeValues.SnapshotChunkBytes } : options;
}
