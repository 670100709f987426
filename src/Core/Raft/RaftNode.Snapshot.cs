using Cairn.Core.Raft.Wire;
using Cairn.Core.Wire;
using Google.Protobuf;

namespace Cairn.Core.Raft;

public sealed partial class RaftNode
{
    /// <summary>The newest snapshot this node holds (its index is the log's snapshot index), or null.</summary>
    private SnapshotRecord? _snapshot;
    /// <summary>An installed snapshot the next Ready must persist.</summary>
    private SnapshotRecord? _snapshotToPersist;
    /// <summary>The newest snapshot as the leader reads it to send (opened on first use, once per snapshot; transfers
    /// under way keep the source they started with, so a newer snapshot does not restart them).</summary>
    private ISnapshotSource? _snapshotSource;
    /// <summary>Where this node's snapshot bytes live (the log disk's snapshot store, or inline).</summary>
    private readonly SnapshotFiles _files;

    /// <summary>The snapshot to send, or null when there is none yet: a compaction whose state is in the state machine's
    /// store (<c>in_store</c>) has no bytes, so the leader sends the snapshot the driver produced on demand
    /// (<see cref="OfferSnapshot"/>) once it covers the compacted log, and until then asks for one
    /// (<see cref="SnapshotWanted"/>) on behalf of <paramref name="pr"/>'s follower if it is alive.</summary>
    private ISnapshotSource? SnapshotSourceFor(Progress pr)
    {
        if (_snapshot is null) return null;
        if (_snapshot.InStore)
        {
            if (_offered is { } offered && offered.Index >= _log.SnapshotIndex) return offered;
            // Only for a follower that answered within an election timeout: one that is down would get a snapshot
            // written again and again, each outdated by the time it comes back.
            if (pr.IdleTicks < _options.ElectionTicks) SnapshotWanted = true;
            return null;
        }
        return _snapshotSource is { } source && source.Index == _snapshot.Index ? source : _snapshotSource = _files.Source(_snapshot);
    }

    /// <summary>A snapshot produced on demand from the state machine's store, to send.</summary>
    private ISnapshotSource? _offered;

    /// <summary>True when this leader must send a snapshot but its compacted state lives only in the state machine's
    /// store: the driver produces one at its applied index and hands it over with <see cref="OfferSnapshot"/>.</summary>
    public bool SnapshotWanted { get; private set; }

    /// <summary>The driver produced <paramref name="snapshot"/> from the state machine's store (at an index at or past
    /// the log's snapshot index, at most the commit index) for the followers that need one.</summary>
    internal void OfferSnapshot(ISnapshotSource snapshot)
    {
        Invariant.Holds(snapshot.Index >= _log.SnapshotIndex && snapshot.Index <= _log.Committed,
            "an offered snapshot at {0} covers the compacted log ({1}) and no more than is committed ({2})", snapshot.Index, _log.SnapshotIndex, _log.Committed);
        Invariant.Holds(snapshot.Term == _log.Term(snapshot.Index), "an offered snapshot at {0} has its entry's term {1}, not {2}", snapshot.Index, _log.Term(snapshot.Index), snapshot.Term);
        _offered = snapshot;
        SnapshotWanted = false;
    }

    /// <summary><paramref name="record"/> as this node holds it: a snapshot, not an instruction to replace the log.</summary>
    private static SnapshotRecord WithoutReplace(SnapshotRecord record)
    {
        var held = record.Clone();
        held.ReplaceLog = false;
        return held;
    }

    /// <summary>The last index covered by the snapshot; entries at or below it are compacted away.</summary>
    public ulong SnapshotIndex => _log.SnapshotIndex;
    /// <summary>The term of the entry at <see cref="SnapshotIndex"/>.</summary>
    public ulong SnapshotTerm => _log.SnapshotTerm;

    /// <summary>
    /// Raft §7 compaction: the driver made a state-machine snapshot at <paramref name="snapshot"/>'s index (at most
    /// the applied index) durable, so the log drops every entry up to it. An older snapshot is ignored. (The runtime
    /// does not start a snapshot while <see cref="CompactionDeferred"/> says to wait.)
    /// </summary>
    public void Compact(SnapshotRecord snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var index = snapshot.Index;
        var term = _log.Term(index);
        _log.CompactTo(index);
        // (An install may have moved the snapshot past the applied index meanwhile; it restores later.)
        Invariant.Holds(_log.SnapshotIndex <= _log.Committed, "the snapshot {0} never passes the commit index {1}", _log.SnapshotIndex, _log.Committed);
        if (_log.SnapshotIndex == index && term != 0)
        {
            Invariant.Holds(term == snapshot.Term, "a compaction snapshot at {0} has the term of the entry it covers ({1}, not {2})", index, term, snapshot.Term);
            _snapshot = WithoutReplace(snapshot);
        }
    }

    /// <summary>The installed snapshot at <paramref name="index"/> is durable and the state machine was restored from it.</summary>
    public void OnSnapshotPersisted(ulong index) => _log.OnSnapshotRestored(index);

    /// <summary>Entries a leader may hold after its snapshot while a transfer defers compaction.</summary>
    private ulong CatchUpEntriesMax => (ulong)_options.SnapshotEntriesThreshold + (ulong)_options.SnapshotCatchUpEntries;

    /// <summary>
    /// True when compacting the log to <paramref name="index"/> should wait (etcd keeps
    /// <c>SnapshotCatchUpEntries</c> for the same reason): this node leads, a follower that answered within an
    /// election timeout still needs entries at or below <paramref name="index"/>, and the log after the snapshot
    /// holds fewer than <c>SnapshotEntriesThreshold + SnapshotCatchUpEntries</c> entries and at most
    /// <see cref="RaftOptions.RetainedLogBytesMax"/> bytes. Without it, a follower that installs a snapshot whose
    /// transfer outlasted a threshold's worth of commits finds the entries after it compacted away and needs
    /// another snapshot, every time: it never catches up.
    /// </summary>
    public bool CompactionDeferred(ulong index)
    {
        if (Role != RaftRole.Leader || _options.SnapshotCatchUpEntries == 0 || index <= _log.SnapshotIndex) return false;
        if (index - _log.SnapshotIndex >= (ulong)_options.SnapshotEntriesThreshold + (ulong)_options.SnapshotCatchUpEntries
            || _log.RetainedBytes > _options.RetainedLogBytesMax) return false;
        foreach (var peer in _options.Peers)
        {
            if (peer == Id) continue;
            var pr = _progress[peer];
            if (!pr.Abandoned && pr.IdleTicks < _options.ElectionTicks && pr.Match < index) return true;
        }
        return false;
    }

    /// <summary>Raft §7: a leader whose follower needs compacted entries sends it the snapshot in chunks, up to
    /// <see cref="RaftOptions.SnapshotChunksInFlightMax"/> of them unacknowledged.</summary>
    private void SendSnapshotWindow(ulong to, Progress pr)
    {
        if (pr.Transfer is not { } transfer || transfer.Source.Index < pr.Next)
        {
            // Nothing to send until the driver offers a snapshot produced from its store: the follower stays probing.
            if (SnapshotSourceFor(pr) is not { } source) return;
            // A follower that still holds part of this very snapshot from us continues where it stopped.
            transfer = new SnapshotTransfer(source, pr.PartialIndex == source.Index ? pr.PartialOffset : 0);
            pr.Transfer = transfer;
        }
        var windowBytes = (long)(transfer.Recovering ? 1 : _options.SnapshotChunksInFlightMax) * _options.SnapshotChunkBytesMax;
        while (!transfer.AllSent && (transfer.InFlightBytes < windowBytes || _bugs.SnapshotWindowOverrun))
            transfer.Sent(SendSnapshotChunk(to, transfer, transfer.Next));
        pr.Replicating = false;
        pr.Inflight.Clear();
        pr.ProbeSent = true; // the window moves on receipts; a heartbeat answer resends what was lost
    }

    /// <summary>Sends the chunk at <paramref name="offset"/>; returns its length.</summary>
    private int SendSnapshotChunk(ulong to, SnapshotTransfer transfer, long offset)
    {
        var source = transfer.Source;
        var data = new byte[(int)Math.Min(_options.SnapshotChunkBytesMax, source.Length - offset)];
        source.Read(offset, data);
        // A bad read of the snapshot (before the chunk's checksum is computed): only the whole snapshot's CRC catches it.
        if (data.Length > 0 && Buggify.Fires(FaultPoint.CorruptSnapshotChunk)) data[data.Length / 2] ^= 0x10;
        Send(new Message
        {
            Type = MessageType.MsgSnapshot, To = to, Index = source.Index, LogTerm = source.Term, Commit = _log.Committed,
            SnapshotOffset = (ulong)offset, SnapshotDone = offset + data.Length == source.Length,
            SnapshotData = UnsafeByteOperations.UnsafeWrap(data), SnapshotLength = (ulong)source.Length, SnapshotCrc = source.Crc,
            SnapshotChunkCrc = Crc32C.Compute(data),
        }, afterPersist: false);
        return data.Length;
    }

    /// <summary>A cumulative receipt (or a rejection naming the offset the follower expects) for a snapshot chunk.</summary>
    private void HandleSnapshotResponse(Message m)
    {
        if (Role != RaftRole.Leader) return;
        var pr = _progress[m.From];
        pr.Heard();
        if (pr.Transfer is not { } transfer || m.Index != transfer.Source.Index || pr.Next > transfer.Source.Index) return;
        var receipt = transfer.OnExpected((long)Math.Min(m.SnapshotOffset, long.MaxValue), m.Reject);
        if (receipt == SnapshotReceipt.ResendFirst) SendSnapshotChunk(m.From, transfer, transfer.Acked);
        if (receipt != SnapshotReceipt.None) SendSnapshotWindow(m.From, pr);
    }

    /// <summary>A heartbeat answer says which snapshot of ours the follower is receiving and where it stands.</summary>
    private void NoteSnapshotProgress(Progress pr, Message m, bool periodic)
    {
        pr.PartialIndex = m.Index;
        pr.PartialOffset = (long)Math.Min(m.SnapshotOffset, long.MaxValue);
        if (pr.Transfer is not { } transfer) return;
        var held = m.Index == transfer.Source.Index ? pr.PartialOffset : 0;
        transfer.OnExpected(held, refused: false);
        if (periodic) transfer.OnHeartbeat(held);
    }

    /// <summary>
    /// The transport could not reach follower <paramref name="id"/> (etcd-raft <c>ReportUnreachable</c>): a follower
    /// being replicated to in a pipeline goes back to probing, so that appends lost on the broken connection are not
    /// assumed in flight. Ignored unless this node leads and <paramref name="id"/> is another member.
    /// </summary>
    public void ReportUnreachable(ulong id)
    {
        if (Role != RaftRole.Leader || id == Id || !_progress.TryGetValue(id, out var pr)) return;
        if (pr.Replicating) pr.BecomeProbe();
    }

    /// <summary>
    /// The transport's delivery of a snapshot to follower <paramref name="id"/> ended (etcd-raft <c>ReportSnapshot</c>).
    /// <see cref="SnapshotStatus.Failure"/> aborts the transfer: the follower goes back to probing, paused until its
    /// next heartbeat answer, and a new transfer starts from there (continuing from the follower's offset when it still
    /// holds part of the same snapshot). <see cref="SnapshotStatus.Finish"/> pauses the follower until it answers.
    /// Ignored unless this node leads, <paramref name="id"/> is another member and a transfer to it is under way.
    /// </summary>
    public void ReportSnapshot(ulong id, SnapshotStatus status)
    {
        if (Role != RaftRole.Leader || id == Id || !_progress.TryGetValue(id, out var pr) || pr.Transfer is null) return;
        if (status == SnapshotStatus.Failure)
        {
            pr.Transfer = null;
            SnapshotTransfersAborted++;
            pr.BecomeProbe();
        }
        pr.ProbeSent = true;
    }

    /// <summary>Snapshot transfers this node aborted as leader on <see cref="ReportSnapshot"/> failures.</summary>
    public long SnapshotTransfersAborted { get; private set; }

    /// <summary>Snapshots this node installed from a leader in this incarnation.</summary>
    public long SnapshotsInstalled { get; private set; }
}
