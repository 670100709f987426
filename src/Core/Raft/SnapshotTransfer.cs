namespace Cairn.Core.Raft;

/// <summary>
/// The leader's side of one snapshot transfer to one follower (Raft §7): the snapshot, pinned for the whole transfer
/// so that a compaction does not restart it at byte 0, and a sliding window of chunks. <see cref="Acked"/> is the
/// follower's cumulative receipt (the next offset it expects); chunks go out from <see cref="Next"/> while fewer than
/// <see cref="RaftOptions.SnapshotChunksInFlightMax"/> chunks' worth of bytes lie between the two.
/// </summary>
internal sealed class SnapshotTransfer
{
    /// <summary>No rewind yet.</summary>
    private const long None = -1;

    /// <summary>The offset of the last rewind a rejection caused: the other chunks of the same window rejected at the
    /// same offset do not resend the window again (go-back-N once per gap; a heartbeat answer repairs the rest).</summary>
    private long _rewoundAt = None;
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

    /// <summary>The follower expects <paramref name="offset"/> next (a receipt, a rejection or a heartbeat answer).
    /// Returns true when the window moved and more chunks may go.</summary>
    public bool OnExpected(long offset, bool rejected)
    {
        offset = Math.Clamp(offset, 0, Source.Length);
        if (offset > Acked)
        {
            Acked = offset;
            Recovering = false;
            if (Next < Acked) { Next = Acked; AllSent = Next == Source.Length && Source.Length > 0; }
            return true;
        }
        if (!rejected) return false; // a stale or duplicated receipt
        // Further back: the follower lost its partial copy. At the window's start: a chunk was lost or refused
        // (its CRC failed); resend from there, once per gap.
        if (offset == Acked && _rewoundAt == offset) return false;
        Rewind(offset);
        _rewoundAt = offset;
        return true;
    }

    /// <summary>A periodic heartbeat answer: when the follower made no progress since the last one, the chunks in flight
    /// were lost and go again from <see cref="Acked"/>.</summary>
    public void OnHeartbeat()
    {
        if (_ackedAtBeat == Acked && (Next > Acked || AllSent))
        {
            Rewind(Acked);
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
