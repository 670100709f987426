using Cairn.Core.Raft.Wire;
using Cairn.Core.Wire;
using Google.Protobuf;

namespace Cairn.Core.Raft;

public sealed partial class RaftNode
{
    /// <summary>The snapshot being received from a leader, or null.</summary>
    private IncomingSnapshot? _incoming;

    /// <summary>A snapshot being assembled from chunks, keyed by the transfer that sends it: the leader, its term, the
    /// snapshot's index and term, and its announced length and CRC-32C. <see cref="Received"/> bytes arrived in order and
    /// went to <see cref="File"/> (a file of the snapshot store: only the reorder buffer is held in memory);
    /// <see cref="Crc"/> is their CRC-32C so far.</summary>
    private sealed class IncomingSnapshot(ulong term, ulong from, Message first, SnapshotFileWriter file)
    {
        public ulong Term { get; } = term;
        public ulong From { get; } = from;
        public ulong Index { get; } = first.Index;
        public ulong LogTerm { get; } = first.LogTerm;
        public long Length { get; } = (long)first.SnapshotLength;
        public uint ExpectedCrc { get; } = first.SnapshotCrc;
        public SnapshotFileWriter File { get; } = file;
        public long Received => File.Length;
        public uint Crc => File.Crc;

        public bool SameTransfer(ulong term, Message m) => Term == term && From == m.From && Index == m.Index && LogTerm == m.LogTerm
            && Length == (long)m.SnapshotLength && ExpectedCrc == m.SnapshotCrc;

        /// <summary>Chunks that arrived ahead of <see cref="Received"/> (the network reorders), by offset, kept until the gap
        /// before them fills; at most <see cref="AheadBytesMax"/> bytes.</summary>
        private readonly SortedDictionary<long, ByteString> _ahead = new();
        private long _aheadBytes;

        /// <summary>The reorder buffer's bound: the chunks a leader may have in flight.</summary>
        public long AheadBytesMax { get; init; }

        /// <summary>Takes a verified chunk at <paramref name="offset"/>: appended when it is the next one (with any chunks
        /// held ahead that now follow), held when it lies ahead within the bound, else dropped (a duplicate, or too far).</summary>
        public void Take(long offset, ByteString chunk)
        {
            if (offset > Received)
            {
                if (!_ahead.ContainsKey(offset) && _aheadBytes + chunk.Length <= AheadBytesMax) { _ahead[offset] = chunk; _aheadBytes += chunk.Length; }
                return;
            }
            if (offset < Received) return;
            Append(chunk);
            while (_ahead.Count > 0 && _ahead.First() is var (at, next) && at <= Received)
            {
                _ahead.Remove(at);
                _aheadBytes -= next.Length;
                if (at == Received) Append(next); // a held chunk below Received duplicated bytes already appended
            }
        }

        private void Append(ByteString chunk) => File.Write(chunk.Span);
    }

    /// <summary>Snapshot chunks this node refused because their CRC-32C failed, and assembled snapshots it discarded
    /// because the whole snapshot's CRC-32C or length did not match what the leader announced.</summary>
    public long SnapshotChunksRefused { get; private set; }
    /// <inheritdoc cref="SnapshotChunksRefused"/>
    public long SnapshotsDiscarded { get; private set; }

    /// <summary>Raft §7 InstallSnapshot on the follower: append chunks in order, verify the whole, then install.</summary>
    private void HandleSnapshot(Message m)
    {
        FollowLeader(m.From);
        if (m.Index <= _log.Committed)
        {
            DropIncoming();
            Send(new Message { Type = MessageType.MsgAppendResponse, To = m.From, Index = _log.Committed }, afterPersist: true);
            return;
        }
        // Over SnapshotBytesMax (or a chunk past the announced end): abandoned; the leader's retries fail the same way.
        var offset = m.SnapshotOffset;
        if (m.SnapshotLength > (ulong)_options.SnapshotBytesMax || offset > m.SnapshotLength
            || (ulong)m.SnapshotData.Length > m.SnapshotLength - offset) { DropIncoming(); return; }
        var same = _incoming is { } t && t.SameTransfer(Term, m);
        // A first chunk starts a transfer, unless it duplicates the first chunk of the one in progress.
        if (offset == 0 && (!same || _incoming!.Received == 0))
        {
            DropIncoming();
            _incoming = new IncomingSnapshot(Term, m.From, m, _files.Begin(m.Index, m.LogTerm)) { AheadBytesMax = (long)_options.SnapshotChunksInFlightMax * _options.SnapshotChunkBytesMax };
            same = true;
        }
        var expected = same ? (ulong)_incoming!.Received : 0;
        // Of another transfer, or damaged on the way (its own CRC fails): refused; the leader resends from `expected`.
        var damaged = same && Crc32C.Compute(m.SnapshotData.Span) != m.SnapshotChunkCrc;
        if (damaged) SnapshotChunksRefused++;
        if (!same || damaged) { AnswerSnapshotChunk(m, expected, reject: true); return; }
        // In order, ahead (held until the gap fills) or a duplicate: the receipt is cumulative either way.
        _incoming!.Take((long)offset, m.SnapshotData);
        if (_incoming.Received < _incoming.Length) { AnswerSnapshotChunk(m, (ulong)_incoming.Received, reject: false); return; }
        if (_incoming.Crc != _incoming.ExpectedCrc && !_bugs.SnapshotInstallUnverified)
        {
            // The chunks each arrived intact, yet the whole is not what the leader announced: start over.
            DropIncoming();
            SnapshotsDiscarded++;
            AnswerSnapshotChunk(m, 0, reject: true);
            return;
        }
        InstallIncoming(m);
    }

    private void AnswerSnapshotChunk(Message m, ulong expected, bool reject) =>
        Send(new Message { Type = MessageType.MsgSnapshotResponse, To = m.From, Index = m.Index, Reject = reject, SnapshotOffset = expected }, afterPersist: false);

    private void InstallIncoming(Message m)
    {
        // The file is durable before the log's record names it (the record is the commit point).
        var record = _incoming!.File.Commit();
        DropIncoming();
        _log.Install(m.Index, m.LogTerm);
        Invariant.Holds(_log.Committed == m.Index && _log.SnapshotIndex == m.Index, "an installed snapshot at {0} sets the commit and snapshot index (commit {1})", m.Index, _log.Committed);
        _snapshot = record;
        _snapshotToPersist = record.Clone();
        _snapshotToPersist.ReplaceLog = true;
        SnapshotsInstalled++;
        // The acknowledgement leaves only once the snapshot is durable (persistence contract).
        Send(new Message { Type = MessageType.MsgAppendResponse, To = m.From, Index = m.Index }, afterPersist: true);
    }

    /// <summary>Abandons the snapshot being received, if any (its uncommitted file goes with it).</summary>
    private void DropIncoming()
    {
        _incoming?.File.Dispose();
        _incoming = null;
    }

    /// <summary>What a heartbeat answer tells <paramref name="leader"/> about the snapshot this node receives from it.</summary>
    private (ulong Index, ulong Offset) SnapshotProgressFor(ulong leader) =>
        _incoming is { } t && t.From == leader && t.Term == Term ? (t.Index, (ulong)t.Received) : (0, 0);
}
