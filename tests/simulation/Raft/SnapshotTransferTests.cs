using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Cairn.Core.Wire;
using Google.Protobuf;
using Xunit;

namespace Cairn.Simulation.Tests.Raft;

/// <summary>The snapshot transfer protocol (Raft §7 over a window of checksummed chunks): window, cumulative receipts,
/// per-chunk and whole-snapshot CRC-32C, resumption, and the transport's ReportUnreachable / ReportSnapshot.</summary>
public sealed class SnapshotTransferTests
{
    private const int ChunkBytes = 8, Window = 4;

    /// <summary>Node 3 was down while node 1 committed 20 more commands and compacted: it needs the snapshot.</summary>
    private static RaftPump ClusterNeedingSnapshot(Func<RaftOptions, RaftOptions>? more = null)
    {
        var c = new RaftPump(3, o => (more ?? (x => x))(o with { SnapshotChunkBytesMax = ChunkBytes, SnapshotChunksInFlightMax = Window }));
        c.Elect(1);
        Propose(c, 3);
        c.Down.Add(3);
        Propose(c, 20);
        c.Compact(1, c[1].AppliedIndex);
        c.Compact(2, c[2].AppliedIndex);
        return c;
    }

    private static void Propose(RaftPump c, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True(c[1].Propose(new byte[] { (byte)i, 7, 7, 7 }).Accepted);
            c.Stabilize();
        }
        c.Heartbeat(1);
    }

    private static void HeartbeatUntil(RaftPump c, Func<bool> done, int roundsMax = 200)
    {
        for (var i = 0; i < roundsMax && !done(); i++) c.Heartbeat(1);
        Assert.True(done(), $"not reached within {roundsMax} heartbeat rounds");
    }

    private static IEnumerable<Message> ChunksTo(RaftPump c, ulong to, int skip = 0) =>
        c.Sent.Skip(skip).Where(m => m.Type == MessageType.MsgSnapshot && m.To == to);

    /// <summary>The leader keeps SnapshotChunksInFlightMax chunks in flight (not stop-and-wait, not more), and each
    /// cumulative receipt lets one more go.</summary>
    [Fact]
    public void Window_HoldsChunksInFlightMax_AndReceiptsSlideIt()
    {
        var c = ClusterNeedingSnapshot();
        c.Down.Remove(3);
        var before = c.Sent.Count;
        for (var round = 0; round < 20 && !ChunksTo(c, 3, before).Any(); round++)
        {
            c.Tick(1); // heartbeats until the leader probes node 3 again; the answer starts the transfer
            while (!ChunksTo(c, 3, before).Any() && c.DeliverOne()) { }
        }
        Assert.Equal(Window, ChunksTo(c, 3, before).Count());
        Assert.Equal(Enumerable.Range(0, Window).Select(i => (ulong)(i * ChunkBytes)), ChunksTo(c, 3, before).Select(m => m.SnapshotOffset));
        // The chunks arrive; the first receipt reaches the leader: exactly one more chunk goes, after the window.
        while (c.Network.Count > 0 && c.Network[0].Type != MessageType.MsgSnapshotResponse) c.DeliverOne();
        c.DeliverOne();
        Assert.Equal(Window + 1, ChunksTo(c, 3, before).Count());
        Assert.Equal((ulong)(Window * ChunkBytes), ChunksTo(c, 3, before).Last().SnapshotOffset);
        HeartbeatUntil(c, () => c[3].AppliedIndex == c[1].CommitIndex);
        Assert.Equal(c.Disks[1].Snapshot!.Data, c.Disks[3].Snapshot!.Data);
    }

    /// <summary>Loss, duplication and reordering of chunks and receipts: the transfer completes with exactly the
    /// leader's bytes.</summary>
    [Fact]
    public void Transfer_CompletesUnderLossDuplicationAndReordering()
    {
        var c = ClusterNeedingSnapshot();
        c.Down.Remove(3);
        var n = 0;
        c.Drop = m => (m.Type is MessageType.MsgSnapshot or MessageType.MsgSnapshotResponse) && ++n % 5 == 0;
        for (var round = 0; round < 300 && c[3].AppliedIndex != c[1].CommitIndex; round++)
        {
            for (var i = 0; i < c.Options(1).HeartbeatTicks; i++) c.Tick(1);
            // Reverse the queue and duplicate every snapshot message in it, then deliver everything.
            c.Network.Reverse();
            c.Network.AddRange(c.Network.Where(m => m.Type is MessageType.MsgSnapshot or MessageType.MsgSnapshotResponse).Select(m => m.Clone()).ToList());
            while (c.DeliverOne()) { }
        }
        Assert.Equal(c[1].CommitIndex, c[3].AppliedIndex);
        Assert.Equal(c.Disks[1].Snapshot!.Data, c.Disks[3].Snapshot!.Data);
    }

    /// <summary>A transfer cut off by a partition, with the transport reporting the snapshot failed, resumes after the
    /// partition from the offset the follower reached, not from 0.</summary>
    [Fact]
    public void Resumption_AfterAPartition_ContinuesFromTheFollowersOffset()
    {
        var c = ClusterNeedingSnapshot();
        c.Down.Remove(3);
        bool HalfWay() => c.Sent.Any(m => m.From == 3 && m.Type == MessageType.MsgSnapshotResponse && !m.Reject && m.SnapshotOffset >= 2 * ChunkBytes);
        for (var round = 0; round < 50 && !HalfWay(); round++)
        {
            c.Tick(1);
            while (!HalfWay() && c.DeliverOne()) { }
        }
        Assert.True(HalfWay() && c[3].SnapshotIndex == 0, "the transfer got under way");
        c.Down.Add(3); // cut off mid-transfer; the transport notices
        c[1].ReportUnreachable(3);
        c[1].ReportSnapshot(3, SnapshotStatus.Failure);
        Assert.Equal(1L, c[1].SnapshotTransfersAborted);
        for (var i = 0; i < 3; i++) c.Heartbeat(1);
        c.Down.Remove(3);
        var healed = c.Sent.Count;
        HeartbeatUntil(c, () => c[3].AppliedIndex == c[1].CommitIndex);

        var resumed = ChunksTo(c, 3, healed).ToList();
        Assert.NotEmpty(resumed);
        Assert.DoesNotContain(resumed, m => m.SnapshotOffset == 0);
        Assert.Equal(c.Disks[1].Snapshot!.Data, c.Disks[3].Snapshot!.Data);
    }

    /// <summary>etcd-raft's ReportUnreachable: a follower replicated to in a pipeline goes back to probing.</summary>
    [Fact]
    public void ReportUnreachable_SendsAReplicatingFollowerBackToProbe()
    {
        var c = new RaftPump(3);
        c.Elect(1);
        Propose(c, 2);
        c.Down.Add(2);
        c[1].ReportUnreachable(2);
        var before = c.Sent.Count;
        Assert.True(c[1].Propose(new byte[] { 1 }).Accepted);
        Assert.True(c[1].Propose(new byte[] { 2 }).Accepted);
        c.Flush(1);
        // In probe, one append is outstanding to node 2; node 3 (still replicating) gets both.
        Assert.Single(c.Sent.Skip(before), m => m.Type == MessageType.MsgAppend && m.To == 2);
        Assert.Equal(2, c.Sent.Skip(before).Count(m => m.Type == MessageType.MsgAppend && m.To == 3));
    }

    /// <summary>A chunk that fails its own CRC-32C is not appended: the follower answers with the offset it expects.</summary>
    [Fact]
    public void ChunkWithBadCrc_IsRefused_WithTheExpectedOffset()
    {
        var follower = Follower();
        follower.Step(Chunk("abcdefghi", 0, 3));
        var damaged = Chunk("abcdefghi", 3, 3);
        damaged.SnapshotData = ByteString.CopyFromUtf8("dxf");
        follower.Step(damaged);
        var answer = follower.TakeReady().MessagesNow.Last();
        Assert.Equal((MessageType.MsgSnapshotResponse, true, 3UL), (answer.Type, answer.Reject, answer.SnapshotOffset));
        Assert.Equal(1L, follower.SnapshotChunksRefused);
        follower.Step(Chunk("abcdefghi", 3, 3));
        follower.Step(Chunk("abcdefghi", 6, 3));
        Assert.Equal("abcdefghi", follower.TakeReady().Snapshot!.Data.ToStringUtf8());
    }

    /// <summary>Chunks that each pass their own CRC but assemble into bytes whose CRC-32C is not the announced one are
    /// discarded before install, and the transfer restarts from 0.</summary>
    [Fact]
    public void WholeSnapshotWithBadCrc_IsDiscarded_AndTheTransferRestarts()
    {
        var follower = Follower();
        follower.Step(Chunk("abcdefghi", 0, 3));
        var damaged = Chunk("abcdefghi", 3, 3);
        damaged.SnapshotData = ByteString.CopyFromUtf8("dxf");
        damaged.SnapshotChunkCrc = Crc32C.Compute(damaged.SnapshotData.Span); // damaged before its CRC was computed
        follower.Step(damaged);
        follower.Step(Chunk("abcdefghi", 6, 3));
        var ready = follower.TakeReady();
        Assert.Null(ready.Snapshot);
        Assert.Equal(0UL, follower.SnapshotIndex);
        Assert.Equal(1L, follower.SnapshotsDiscarded);
        var answer = ready.MessagesNow.Last();
        Assert.Equal((MessageType.MsgSnapshotResponse, true, 0UL), (answer.Type, answer.Reject, answer.SnapshotOffset));
    }

    /// <summary>The window option is validated.</summary>
    [Fact]
    public void SnapshotChunksInFlightMax_MustBePositive()
    {
        var options = new RaftOptions { Id = 1, Peers = [1UL], SnapshotChunksInFlightMax = 0 };
        Assert.Throws<ArgumentException>(options.Validate);
    }

    private static RaftNode Follower() =>
        new RaftPump(3, recovered: new Dictionary<ulong, (HardState, ulong[])> { [2] = (new HardState { Term = 1, Commit = 1 }, [1UL]) })[2];

    private static Message Chunk(string whole, int offset, int count)
    {
        var data = ByteString.CopyFromUtf8(whole.Substring(offset, count));
        return new()
        {
            Type = MessageType.MsgSnapshot, From = 1, To = 2, Term = 2, Index = 3, LogTerm = 2,
            SnapshotData = data, SnapshotOffset = (ulong)offset, SnapshotDone = offset + count == whole.Length,
            SnapshotLength = (ulong)whole.Length, SnapshotCrc = Crc32C.Compute(System.Text.Encoding.UTF8.GetBytes(whole)),
            SnapshotChunkCrc = Crc32C.Compute(data.Span),
        };
    }
}

/// <summary>The leader's window bookkeeping on its own (<see cref="SnapshotTransfer"/>).</summary>
public sealed class SnapshotTransferWindowTests
{
    private static SnapshotTransfer SentAll(int chunks, int chunkBytes)
    {
        var t = new SnapshotTransfer(new InMemorySnapshotSource(9, 2, ByteString.CopyFrom(new byte[chunks * chunkBytes])), 0);
        for (var i = 0; i < chunks; i++) t.Sent(chunkBytes);
        return t;
    }

    /// <summary>Answers behind the cumulative receipt are stale (reordered or duplicated) and change nothing: rewinding on
    /// them made a storm of resent windows.</summary>
    [Fact]
    public void StaleAnswers_ChangeNothing()
    {
        var t = SentAll(8, 4);
        Assert.Equal(SnapshotReceipt.Slide, t.OnExpected(16, refused: false));
        Assert.Equal(SnapshotReceipt.None, t.OnExpected(8, refused: false));
        Assert.Equal(SnapshotReceipt.None, t.OnExpected(4, refused: true));
        Assert.Equal((16L, 32L), (t.Acked, t.Next));
    }

    /// <summary>A refusal at the window's start, or RepeatedReceiptsMax receipts repeating it, resend that chunk alone.</summary>
    [Fact]
    public void MissingFirstChunk_IsResent_OnARefusalOrRepeatedReceipts()
    {
        var t = SentAll(8, 4);
        t.OnExpected(8, refused: false);
        Assert.Equal(SnapshotReceipt.ResendFirst, t.OnExpected(8, refused: true));
        for (var i = 1; i < SnapshotTransfer.RepeatedReceiptsMax; i++) Assert.Equal(SnapshotReceipt.None, t.OnExpected(8, refused: false));
        Assert.Equal(SnapshotReceipt.ResendFirst, t.OnExpected(8, refused: false));
        Assert.Equal(32L, t.Next); // the rest stays sent: the follower holds it
    }

    /// <summary>No progress between two periodic heartbeat answers: resend from what the follower holds (0 when it lost
    /// its copy), one chunk at a time until a receipt moves the window.</summary>
    [Fact]
    public void Stall_ResendsFromWhatTheFollowerHolds()
    {
        var t = SentAll(8, 4);
        t.OnExpected(12, refused: false);
        t.OnHeartbeat(12);
        Assert.False(t.Recovering);
        t.OnHeartbeat(0); // the follower restarted: it holds nothing
        Assert.True(t.Recovering);
        Assert.Equal((0L, 0L, false), (t.Acked, t.Next, t.AllSent));
    }
}
