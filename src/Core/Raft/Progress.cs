namespace Cairn.Core.Raft;

/// <summary>The leader's view of one follower's log (Raft §5.3: nextIndex and matchIndex).</summary>
internal sealed class Progress
{
    public ulong Match;
    public ulong Next;
    /// <summary>Probe: one append at a time until the follower's position is known. Replicate: pipeline.</summary>
    public bool Replicating;
    /// <summary>In probe state, an append is outstanding; wait for its answer or the next heartbeat.</summary>
    public bool ProbeSent;
    /// <summary>Last index of each append in flight, oldest first; an acknowledgement frees every append it covers,
    /// so duplicated responses cannot inflate the pipeline.</summary>
    public readonly Queue<ulong> Inflight = new();
    /// <summary>Heard from since the last CheckQuorum round.</summary>
    public bool RecentActive;
    /// <summary>Leader ticks since this follower last answered: one quiet for an election timeout (down or cut
    /// off) no longer holds back the leader's compaction (<see cref="RaftOptions.SnapshotCatchUpEntries"/>).</summary>
    public int IdleTicks;
    /// <summary>Heartbeats since Match last advanced while the follower lags; resets a stalled pipeline.</summary>
    public int Stalled;
    /// <summary>Set only by the abandon-lagging-follower canary: no more appends go to this follower.</summary>
    public bool Abandoned;
    /// <summary>Set by each periodic heartbeat: the next heartbeat answer may trigger one empty (repair) append.</summary>
    public bool RepairAllowed;
    /// <summary>Highest ReadIndex round this follower acknowledged.</summary>
    public ulong ReadRoundAcked;

    /// <summary>The snapshot transfer to this follower (Raft §7), or null: its snapshot stays pinned for the whole
    /// transfer, so a compaction on the leader does not restart a transfer of hundreds of chunks from byte 0 (which,
    /// under steady load, would never finish).</summary>
    public SnapshotTransfer? Transfer;
    /// <summary>The index of the snapshot being sent, or 0.</summary>
    public ulong SnapshotIndex => Transfer?.Source.Index ?? 0;
    /// <summary>What the follower's last heartbeat answer said it holds of a snapshot from this leader: the snapshot's
    /// index (0: nothing) and the next offset it expects. A new transfer of that snapshot resumes there.</summary>
    public ulong PartialIndex;
    public long PartialOffset;

    public Progress(ulong next) => Next = next;

    /// <summary>The follower answered.</summary>
    public void Heard()
    {
        RecentActive = true;
        IdleTicks = 0;
    }

    public bool Paused(int inflightMax) => Replicating ? Inflight.Count >= inflightMax : ProbeSent;

    /// <summary>Frees the in-flight appends acknowledged up to <paramref name="index"/>.</summary>
    public void FreeInflightTo(ulong index)
    {
        while (Inflight.Count > 0 && Inflight.Peek() <= index) Inflight.Dequeue();
    }

    public void BecomeProbe()
    {
        Replicating = false;
        ProbeSent = false;
        Inflight.Clear();
        Next = Match + 1;
    }
}
