namespace Cairn.Core.Raft;

/// <summary>
/// BUGGIFY-style fault points in the core and the runtime: legal but rare behaviours that the simulator
/// makes common. None of them may break safety; they exist to push the code into corners.
/// </summary>
internal enum FaultPoint
{
    /// <summary>A leader sends a single entry where it could send a full batch.</summary>
    ShrinkAppendBatch,
    /// <summary>A leader skips one heartbeat round.</summary>
    SkipHeartbeat,
    /// <summary>A node draws the shortest election timeout.</summary>
    ShortElectionTimeout,
    /// <summary>The runtime holds an outgoing message until its next input.</summary>
    DelaySend,
    /// <summary>The runtime takes a snapshot and compacts the log at a small threshold
    /// (<c>NodeRuntime.EarlySnapshotEntries</c>) instead of <see cref="RaftOptions.SnapshotEntriesThreshold"/>.</summary>
    ForceEarlySnapshot,
    /// <summary>A leader reads a snapshot chunk damaged (one bit flipped) before computing the chunk's checksum, as a bad
    /// read of a snapshot file would be: the chunk passes its own CRC, and only the whole snapshot's CRC-32C catches it.</summary>
    CorruptSnapshotChunk,
}

/// <summary>
/// Decides whether a fault point fires. Internal: only the simulator sets one, per run, from its seed.
/// </summary>
internal sealed class Buggify
{
    private readonly Func<FaultPoint, bool> _fire;

    /// <summary>Never fires.</summary>
    public static readonly Buggify Off = new(_ => false);

    public Buggify(Func<FaultPoint, bool> fire) => _fire = fire;

    public bool Fires(FaultPoint point) => _fire(point);
}
