using Cairn.Core.Raft.Wire;
using Google.Protobuf;

namespace Cairn.Core.Raft;

public sealed partial class RaftNode
{
    /// <summary>The newest snapshot this node holds (its index is the log's snapshot index), or null.</summary>
    private SnapshotRecord? _snapshot;
    /// <summary>An installed snapshot the next Ready must persist.</summary>
    private SnapshotRecord? _snapshotToPersist;
    /// <summary>The snapshot being assembled from chunks, keyed by the transfer that sends it.</summary>
    private IncomingSnapshot? _incoming;

    private sealed record IncomingSnapshot(ulong Term, ulong From, ulong Index, ulong LogTerm, MemoryStream Data);

    /// <summary>The last index covered by the snapshot; entries at or below it are compacted away.</summary>
    public ulong SnapshotIndex => _log.SnapshotIndex;
    /// <summary>The term of the entry at <see cref="SnapshotIndex"/>.</summary>
    public ulong SnapshotTerm => _log.SnapshotTerm;

    /// <summary>
    /// Raft §7 compaction: the driver made a state-machine snapshot at <paramref name="index"/> (at most the
    /// applied index) durable, so the log drops every entry up to it. An older snapshot is ignored. (The runtime
    /// does not start a snapshot while <see cref="CompactionDeferred"/> says to wait.)
    /// </summary>
    public void Compact(ulong index, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var term = _log.Term(index);
        _log.CompactTo(index);
        // (An install may have moved the snapshot past the applied index meanwhile; it restores later.)
        Invariant.Holds(_log.SnapshotIndex <= _log.Committed, "the snapshot {0} never passes the commit index {1}", _log.SnapshotIndex, _log.Committed);
        if (_log.SnapshotIndex == index && term != 0)
            _snapshot = new SnapshotRecord { Index = index, Term = term, Data = ByteString.CopyFrom(data) };
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

    /// <summary>Raft §7: a leader whose follower needs compacted entries sends the snapshot, one chunk at a time.</summary>
    private void SendSnapshotChunk(ulong to, Progress pr)
    {
        var snap = pr.Sending is { } pinned && pinned.Index == pr.SnapshotIndex && pinned.Index >= pr.Next ? pinned : null;
        if (snap is null)
        {
            snap = _snapshot!;
            pr.Sending = snap;
            pr.SnapshotIndex = snap.Index;
            pr.SnapshotOffset = 0;
        }
        var offset = (int)Math.Min(pr.SnapshotOffset, snap.Data.Length);
        var length = Math.Min(_options.SnapshotChunkBytesMax, snap.Data.Length - offset);
        Invariant.Holds(length >= 0 && offset + length <= snap.Data.Length, "a snapshot chunk lies within the snapshot: offset {0}, length {1}", offset, (long)length);
        var m = new Message
        {
            Type = MessageType.MsgSnapshot, To = to, Index = snap.Index, LogTerm = snap.Term, Commit = _log.Committed,
            SnapshotOffset = (ulong)offset, SnapshotDone = offset + length == snap.Data.Length,
            SnapshotData = ByteString.CopyFrom(snap.Data.Span.Slice(offset, length)),
        };
        Send(m, afterPersist: false);
        pr.Replicating = false;
        pr.Inflight.Clear();
        pr.ProbeSent = true; // stop and wait: the next chunk goes on this one's receipt, or again on a heartbeat
    }

    private void HandleSnapshotResponse(Message m)
    {
        if (Role != RaftRole.Leader) return;
        var pr = _progress[m.From];
        pr.Heard();
        var snap = pr.Sending;
        if (snap is null || m.Index != pr.SnapshotIndex || m.Index != snap.Index || pr.Next > snap.Index) return;
        var offset = (long)Math.Min(m.SnapshotOffset, (ulong)snap.Data.Length);
        // A receipt further along advances the transfer; a rejection further back restarts it from there
        // (the follower lost its partial copy). Anything else is a stale duplicate and changes nothing.
        if (offset > pr.SnapshotOffset || (m.Reject && offset < pr.SnapshotOffset))
        {
            pr.SnapshotOffset = offset;
            pr.ProbeSent = false;
            SendAppend(m.From, sendIfEmpty: true);
        }
    }

    /// <summary>Raft §7 InstallSnapshot on the follower: assemble chunks in order, then install.</summary>
    private void HandleSnapshot(Message m)
    {
        FollowLeader(m.From);
        if (m.Index <= _log.Committed)
        {
            _incoming = null;
            Send(new Message { Type = MessageType.MsgAppendResponse, To = m.From, Index = _log.Committed }, afterPersist: true);
            return;
        }
        var same = _incoming is { } t && t.Term == m.Term && t.From == m.From && t.Index == m.Index && t.LogTerm == m.LogTerm;
        // A first chunk starts a transfer, unless it duplicates the first chunk of the one in progress.
        if (m.SnapshotOffset == 0 && (!same || _incoming!.Data.Length == 0))
        {
            _incoming = new IncomingSnapshot(m.Term, m.From, m.Index, m.LogTerm, new MemoryStream());
            same = true;
        }
        if (!same || (ulong)_incoming!.Data.Length != m.SnapshotOffset)
        {
            var expected = same ? (ulong)_incoming!.Data.Length : 0;
            Send(new Message { Type = MessageType.MsgSnapshotResponse, To = m.From, Index = m.Index, Reject = true, SnapshotOffset = expected }, afterPersist: false);
            return;
        }
        if (_incoming.Data.Length + m.SnapshotData.Length > _options.SnapshotBytesMax)
        {
            _incoming = null; // over SnapshotBytesMax: abandoned, the leader's retries restart it and fail the same way
            return;
        }
        m.SnapshotData.WriteTo(_incoming.Data);
        if (!m.SnapshotDone)
        {
            Send(new Message { Type = MessageType.MsgSnapshotResponse, To = m.From, Index = m.Index, SnapshotOffset = (ulong)_incoming.Data.Length }, afterPersist: false);
            return;
        }
        var data = ByteString.CopyFrom(_incoming.Data.GetBuffer(), 0, (int)_incoming.Data.Length);
        _incoming = null;
        _log.Install(m.Index, m.LogTerm);
        Invariant.Holds(_log.Committed == m.Index && _log.SnapshotIndex == m.Index, "an installed snapshot at {0} sets the commit and snapshot index (commit {1})", m.Index, _log.Committed);
        _snapshot = new SnapshotRecord { Index = m.Index, Term = m.LogTerm, Data = data };
        _snapshotToPersist = new SnapshotRecord { Index = m.Index, Term = m.LogTerm, Data = data, ReplaceLog = true };
        SnapshotsInstalled++;
        // The acknowledgement leaves only once the snapshot is durable (persistence contract).
        Send(new Message { Type = MessageType.MsgAppendResponse, To = m.From, Index = m.Index }, afterPersist: true);
    }

    /// <summary>Snapshots this node installed from a leader in this incarnation.</summary>
    public long SnapshotsInstalled { get; private set; }
}
