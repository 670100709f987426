namespace Cairn.Core.Raft;

/// <summary>
/// The leader's side of one snapshot transfer to one follower (Raft §7): the snapshot, pinned for the whole transfer
/// so that a compaction does not restart it at byte 0, and a sliding window of chunks. <see cref="Acked"/> is the
/// follower's cumulative receipt (the next offset it expects); chunks go out from <see cref="Next"/> while fewer than
/// <see cref="RaftOptions.SnapshotChunksInFlightMax"/> chunks' worth of bytes lie between the two.
/// </summary>
internal sealed class SnapshotTransfer
{
    /// <summary>No heartbeat answer yet.</summary>
    private const long None = -1;

    /// <summary><see cref="Acked"/> at the last periodic heartbeat answer: no progress since then means the chunks in
    /// flight were lost.</summary>
    private long _ackedAtBeat = None;

    public SnapshotTransfer(ISnapshotSource source, long resumeAt)
    {
        Source = source;
        Acked = Next = Math.Clamp(resumeAt, 0, source.Length);
        AllSent = source.Length > 0 && Next == source.Length;
    }

    /// <summary>The snapshot being sent.</summary>
    public ISnapshotSource Source { get; }
    /// <summary>The next offset the follower expects, as last learned.</summary>
    public long Acked { get; private set; }
    /// <summary>The next offset to send.</summary>
    public long Next { get; private set; }
    /// <summary>The last chunk has been sent since the last rewind.</summary>
    public bool AllSent { get; private set; }

    /// <summary>After a timeout (no progress over a heartbeat interval) only one chunk goes until a receipt moves the
    /// window again, as TCP restarts from one segment: resending the whole window into the loss that stalled it may
    /// lose its first chunk again, and again.</summary>
    public bool Recovering { get; private set; }

    /// <summary>Bytes sent and not yet acknowledged.</summary>
    public long InFlightBytes => Next - Acked;

    /// <summary>Records a chunk of <paramref name="length"/> bytes sent at <see cref="Next"/>.</summary>
    public void Sent(int length)
    {
        Invariant.Holds(length >= 0 && Next + length <= Source.Length, "a snapshot chunk lies within the snapshot: offset {0}, length {1}", Next, (long)length);
        Next += length;
        if (Next == Source.Length) AllSent = true;
    }

    /// <summary>Receipts that repeat <see cref="Acked"/> before the chunk at <see cref="Acked"/> is resent: the follower
    /// holds later chunks (it keeps those within its window) but still misses that one (TCP's fast retransmit).</summary>
    public const int RepeatedReceiptsMax = 3;

    private int _repeatedReceipts;

    /// <summary>The follower expects <paramref name="offset"/> next (a receipt, a refusal or a heartbeat answer).</summary>
    public SnapshotReceipt OnExpected(long offset, bool refused)
    {
        offset = Math.Clamp(offset, 0, Source.Length);
        if (offset > Acked)
        {
            Acked = offset;
            Recovering = false;
            _repeatedReceipts = 0;
            if (Next < Acked) { Next = Acked; AllSent = Next == Source.Length && Source.Length > 0; }
            return SnapshotReceipt.Slide;
        }
        // Anything further back is a stale answer (the network reorders and duplicates): a follower's offset only grows
        // while it keeps its copy, and one that lost it shows as a stall (see OnHeartbeat).
        if (offset != Acked || Next == Acked) return SnapshotReceipt.None;
        // The chunk at the window's start was refused (its CRC failed) or lost while later ones arrived: resend it alone.
        if (refused || ++_repeatedReceipts == RepeatedReceiptsMax) return SnapshotReceipt.ResendFirst;
        return SnapshotReceipt.None;
    }

    /// <summary>A periodic heartbeat answer, in which the follower says it holds <paramref name="held"/> bytes of this
    /// snapshot: when it made no progress since the last one, the chunks in flight were lost and go again from where it
    /// stands (from 0 when it lost its copy: it restarted, or discarded a snapshot whose CRC failed).</summary>
    public void OnHeartbeat(long held)
    {
        if (_ackedAtBeat == Acked && (Next > Acked || AllSent))
        {
            Rewind(Math.Clamp(held, 0, Acked));
            Recovering = true;
        }
        _ackedAtBeat = Acked;
    }

    private void Rewind(long offset)
    {
        Acked = Next = offset;
        AllSent = false;
    }
}

/// <summary>What a follower's answer asks of the leader's side of a transfer.</summary>
internal enum SnapshotReceipt
{
    /// <summary>Nothing new (a stale or repeated answer).</summary>
    None,
    /// <summary>The window moved: more chunks may go.</summary>
    Slide,
    /// <summary>The chunk at the window's start is missing at the follower: send it again.</summary>
    ResendFirst,
}
