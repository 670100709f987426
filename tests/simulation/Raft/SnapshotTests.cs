using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Cairn.Core.Wire;
using Google.Protobuf;
using Xunit;

namespace Cairn.Simulation.Tests.Raft;

/// <summary>Log compaction and InstallSnapshot (Raft §7).</summary>
public sealed class SnapshotTests
{
    /// <summary>Three nodes, node 1 leading, with <paramref name="count"/> committed commands; small snapshot chunks.</summary>
    private static RaftPump ClusterWithCommands(int count, int chunkBytes = 16, int window = 16)
    {
        var c = new RaftPump(3, o => o with { SnapshotChunkBytesMax = chunkBytes, SnapshotChunksInFlightMax = window });
        c.Elect(1);
        Propose(c, count);
        return c;
    }

    private static void Propose(RaftPump c, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True(c[1].Propose(new byte[] { (byte)i }).Accepted);
            c.Stabilize();
        }
        c.Heartbeat(1);
    }

    private static void HeartbeatUntil(RaftPump c, Func<bool> done, int roundsMax = 200)
    {
        for (var i = 0; i < roundsMax && !done(); i++) c.Heartbeat(1);
        Assert.True(done(), $"not reached within {roundsMax} heartbeat rounds");
    }

    /// <summary>Reference: section 7. Compaction drops the entries a snapshot covers; the snapshot's index keeps its term.</summary>
    [Fact]
    public void Section7_CompactionDropsCoveredEntries()
    {
        var c = ClusterWithCommands(10);
        var leader = c[1];
        var term = leader.TermAt(8);
        c.Compact(1, 8);

        Assert.Equal((8UL, term), (leader.SnapshotIndex, leader.SnapshotTerm));
        Assert.Equal(term, leader.TermAt(8));
        Assert.Equal(0UL, leader.TermAt(7)); // gone
        Assert.Equal(leader.LastIndex - 8, (ulong)c.Disks[1].Log.Count);

        Propose(c, 3); // replication carries on from the compacted log
        Assert.All(new ulong[] { 1, 2, 3 }, id => Assert.Equal(leader.LastIndex, c[id].CommitIndex));
    }

    /// <summary>Reference: section 7. A follower that needs compacted entries receives the snapshot in chunks, then the
    /// rest of the log; it acknowledges the snapshot only once it is durable, and applies nothing it did not restore.</summary>
    [Fact]
    public void Section7_LaggingFollowerCatchesUpBySnapshot()
    {
        var c = ClusterWithCommands(3);
        c.Down.Add(3);
        Propose(c, 20);
        c.Compact(1, c[1].AppliedIndex);
        var snapshot = c[1].SnapshotIndex;
        c.Restart(3); // crashed while the leader compacted, then restarted from its disk
        c.Down.Remove(3);
        c.ManualSync.Add(3);
        HeartbeatUntil(c, () => c[3].SnapshotIndex == snapshot);

        Assert.True(c.Sent.Count(m => m.Type == MessageType.MsgSnapshot && m.To == 3) > 1, "the snapshot is sent in chunks");
        Assert.All(c.Sent.Where(m => m.Type == MessageType.MsgSnapshot), m => Assert.True(m.SnapshotData.Length <= 16));
        Assert.DoesNotContain(c.Sent, m => m.From == 3 && m.Type == MessageType.MsgAppendResponse && m.Index == snapshot);
        Assert.True(c[3].AppliedIndex < snapshot, "not restored before the snapshot is durable");

        c.ManualSync.Remove(3);
        c.Sync(3);
        Assert.Contains(c.Sent, m => m.From == 3 && m.Type == MessageType.MsgAppendResponse && m.Index == snapshot && !m.Reject);
        HeartbeatUntil(c, () => c[3].CommitIndex == c[1].CommitIndex && c[3].AppliedIndex == c[1].CommitIndex);
        Assert.Equal(new[] { snapshot }, c.Restored[3]);
        Assert.Equal(c[1].SnapshotTerm, c.Disks[3].Snapshot!.Term);
        Assert.Equal(c.Disks[1].Snapshot!.Data, c.Disks[3].Snapshot!.Data);
        Assert.Equal(c[1].LastIndex, c[3].LastIndex);
    }

    /// <summary>A follower holding (3, term 1) and more, given a term-1 snapshot at 3 by the term-2 leader.</summary>
    private static RaftNode FollowerWithLog(params ulong[] terms) =>
        new RaftPump(3, recovered: new Dictionary<ulong, (HardState, ulong[])>
        {
            [2] = (new HardState { Term = 1, Commit = 1 }, terms),
        })[2];

    /// <summary>Bytes [<paramref name="offset"/>, +<paramref name="count"/>) of the snapshot <paramref name="whole"/> at
    /// (<paramref name="index"/>, <paramref name="term"/>), with the whole's length and CRC-32C and the chunk's own CRC.</summary>
    private static Message Chunk(ulong index, ulong term, string whole, int offset, int count, ulong leaderTerm = 2)
    {
        var data = ByteString.CopyFromUtf8(whole.Substring(offset, count));
        return new()
        {
            Type = MessageType.MsgSnapshot, From = 1, To = 2, Term = leaderTerm, Index = index, LogTerm = term,
            SnapshotData = data, SnapshotOffset = (ulong)offset, SnapshotDone = offset + count == whole.Length,
            SnapshotLength = (ulong)whole.Length, SnapshotCrc = Crc32C.Compute(System.Text.Encoding.UTF8.GetBytes(whole)),
            SnapshotChunkCrc = Crc32C.Compute(data.Span),
        };
    }

    /// <summary>Reference: section 7. "If existing log entry has same index and term as snapshot's last included entry,
    /// retain log entries following it": the suffix is kept and written again after the snapshot.</summary>
    [Fact]
    public void Section7_RetainsSuffixWhenTermMatches()
    {
        var follower = FollowerWithLog(1, 1, 1, 1, 1);
        follower.Step(Chunk(3, 1, "abc", 0, 3));
        var ready = follower.TakeReady();

        Assert.Equal((3UL, 5UL), (follower.SnapshotIndex, follower.LastIndex));
        Assert.True(ready.Snapshot!.ReplaceLog);
        Assert.Equal(new ulong[] { 4, 5 }, ready.Entries.Select(e => e.Index));
        Assert.Equal(3UL, follower.CommitIndex);
        Assert.Empty(ready.CommittedEntries); // nothing applies until the snapshot is restored
        var ack = Assert.Single(ready.MessagesAfterPersist);
        Assert.Equal((MessageType.MsgAppendResponse, 3UL), (ack.Type, ack.Index));
    }

    /// <summary>Reference: section 7. "Discard the entire log" when the entry at the snapshot's index has another term.</summary>
    [Fact]
    public void Section7_DiscardsLogWhenTermDiffers()
    {
        var follower = FollowerWithLog(1, 1, 1, 1, 1);
        follower.Step(Chunk(3, 2, "abc", 0, 3));
        var ready = follower.TakeReady();

        Assert.Equal((3UL, 3UL, 2UL), (follower.SnapshotIndex, follower.LastIndex, follower.LastTerm));
        Assert.Empty(ready.Entries);
    }

    /// <summary>Lost, duplicated and reordered chunks: the follower appends in order, holds chunks that arrive ahead
    /// (within its window) until the gap fills, tells the leader where it is, and assembles exactly the leader's bytes.</summary>
    [Fact]
    public void Section7_ChunksAssembleDespiteDuplicatesAndReordering()
    {
        var follower = FollowerWithLog(1);
        const string whole = "abcdefghi";
        follower.Step(Chunk(3, 2, whole, 0, 3));
        follower.Step(Chunk(3, 2, whole, 6, 3));  // reordered: "def" is missing; "ghi" is held, the receipt stays at 3
        var receipt = follower.TakeReady().MessagesNow.Last();
        Assert.Equal((MessageType.MsgSnapshotResponse, false, 3UL), (receipt.Type, receipt.Reject, receipt.SnapshotOffset));
        follower.Step(Chunk(3, 2, whole, 0, 3)); // duplicate of the first chunk
        follower.Step(Chunk(3, 2, whole, 3, 3));
        follower.Step(Chunk(3, 2, whole, 3, 3)); // duplicate
        follower.Step(Chunk(3, 2, whole, 6, 3));

        var ready = follower.TakeReady();
        Assert.Equal(whole, ready.Snapshot!.Data.ToStringUtf8());
        Assert.Equal(3UL, follower.SnapshotIndex);
    }

    /// <summary>A new leader mid-transfer: its chunks do not extend the old leader's partial snapshot; it restarts.</summary>
    [Fact]
    public void Section7_LeaderChangeRestartsTransfer()
    {
        var follower = FollowerWithLog(1);
        follower.Step(Chunk(3, 2, "abcdef", 0, 3));
        var fromNewLeader = Chunk(4, 3, "uvwxyz", 3, 3, leaderTerm: 3);
        fromNewLeader.From = 3;
        follower.Step(fromNewLeader);
        var reject = follower.TakeReady().MessagesNow.Last();
        Assert.Equal((MessageType.MsgSnapshotResponse, true, 0UL, 3UL), (reject.Type, reject.Reject, reject.SnapshotOffset, reject.To));
        Assert.Equal(0UL, follower.SnapshotIndex);
    }

    /// <summary>Reference: section 7, with a lossy network: every third snapshot chunk is lost, and heartbeats resend.</summary>
    [Fact]
    public void Section7_InstallSurvivesChunkLoss()
    {
        var c = ClusterWithCommands(3, chunkBytes: 8);
        c.Down.Add(3);
        Propose(c, 20);
        c.Compact(1, c[1].AppliedIndex);
        c.Compact(2, c[2].AppliedIndex);
        c.Down.Remove(3);
        var chunks = 0;
        c.Drop = m => m.Type == MessageType.MsgSnapshot && ++chunks % 3 == 0;
        HeartbeatUntil(c, () => c[3].AppliedIndex == c[1].CommitIndex);

        Assert.True(chunks > 9, "chunks were lost and resent");
        Assert.Equal(c.Disks[1].Snapshot!.Data, c.Disks[3].Snapshot!.Data);
    }

    /// <summary>Reference: section 7, while the leader keeps compacting: a transfer under way goes on with the snapshot it
    /// started (pinned per follower) instead of restarting from byte 0 at every compaction, which under steady load
    /// would never let a transfer of hundreds of chunks finish.</summary>
    [Fact]
    public void Section7_CompactionDuringATransfer_DoesNotRestartIt()
    {
        var c = ClusterWithCommands(3, chunkBytes: 8, window: 2);
        c.Down.Add(3);
        Propose(c, 20);
        c.Compact(1, c[1].AppliedIndex);
        var first = c[1].SnapshotIndex;
        c.Down.Remove(3);
        int Chunks() => c.Sent.Count(m => m.Type == MessageType.MsgSnapshot && m.To == 3);
        for (var round = 0; round < 20 && Chunks() < 3; round++)
        {
            for (var i = 0; i < c.Options(1).HeartbeatTicks; i++) c.Tick(1);
            while (Chunks() < 3 && c.DeliverOne()) { }
        }
        Assert.InRange(Chunks(), 3, 4); // a transfer of the first snapshot is under way
        c.Drop = m => m.To == 3 || m.From == 3; // node 3 is cut off while the leader commits and compacts again
        Propose(c, 10);
        c.Compact(1, c[1].AppliedIndex);
        Assert.True(c[1].SnapshotIndex > first);
        c.Drop = null;
        var resumed = c.Sent.Count;
        HeartbeatUntil(c, () => c[3].AppliedIndex == c[1].CommitIndex);

        var next = c.Sent.Skip(resumed).First(m => m.Type == MessageType.MsgSnapshot && m.To == 3);
        Assert.Equal(first, next.Index); // the same transfer ...
        Assert.True(next.SnapshotOffset > 0, "... continued where it stopped");
        Assert.Equal(c[1].SnapshotIndex, c[3].SnapshotIndex); // then the newer snapshot followed
    }

    /// <summary>etcd's <c>SnapshotCatchUpEntries</c>: a leader waits to compact while a follower that answers lacks the
    /// entries the compaction would drop (so a follower that installed a snapshot catches up from the log), and stops
    /// waiting once the follower has them, once it has been quiet for an election timeout, or past
    /// <c>SnapshotEntriesThreshold + SnapshotCatchUpEntries</c> entries.</summary>
    [Fact]
    public void CompactionWaitsForALaggingFollowerThatAnswers_UpToTheCatchUpLimit()
    {
        var c = new RaftPump(3, o => o with { SnapshotEntriesThreshold = 2, SnapshotCatchUpEntries = 6 });
        c.Elect(1);
        Propose(c, 3);
        c.Drop = m => m.To == 3 && m.Type == MessageType.MsgAppend; // node 3 answers heartbeats, gets no entries
        Propose(c, 3);
        Assert.True(c[3].LastIndex < c[1].AppliedIndex);
        Assert.True(c[1].CompactionDeferred(c[1].AppliedIndex), "a lagging follower that answers holds the log");
        Assert.False(c[2].CompactionDeferred(c[2].AppliedIndex), "only a leader waits");

        c.Drop = null;
        HeartbeatUntil(c, () => c[3].LastIndex == c[1].LastIndex);
        Assert.False(c[1].CompactionDeferred(c[1].AppliedIndex), "caught up: nothing to wait for");

        c.Drop = m => m.To == 3 && m.Type == MessageType.MsgAppend;
        Propose(c, 8);
        Assert.True(c[1].AppliedIndex - c[1].SnapshotIndex >= 8);
        Assert.False(c[1].CompactionDeferred(c[1].AppliedIndex), "past SnapshotEntriesThreshold + SnapshotCatchUpEntries the leader compacts");
        c.Compact(1, c[1].AppliedIndex);

        Propose(c, 2);
        Assert.True(c[1].CompactionDeferred(c[1].AppliedIndex));
        c.Down.Add(3);
        for (var i = 0; i < c.Options(1).ElectionTicks; i++) c.Heartbeat(1);
        Assert.False(c[1].CompactionDeferred(c[1].AppliedIndex), "a follower quiet for an election timeout holds nothing");
    }

    /// <summary>A restarted node comes back from its snapshot and the entries after it.</summary>
    [Fact]
    public void Section7_RestartRecoversFromSnapshot()
    {
        var c = ClusterWithCommands(12);
        c.Compact(2, 10);
        c.Restart(2);
        Assert.Equal((10UL, c[1].LastIndex), (c[2].SnapshotIndex, c[2].LastIndex));
        Assert.True(c[2].CommitIndex >= 10);
        Assert.Equal(10UL, c[2].AppliedIndex); // the state machine starts from the snapshot
        Propose(c, 2);
        Assert.Equal(c[1].CommitIndex, c[2].CommitIndex);
        Assert.Equal(c[1].CommitIndex, c[2].AppliedIndex);
    }
}
