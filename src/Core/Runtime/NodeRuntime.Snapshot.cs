using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Google.Protobuf;

namespace Cairn.Core.Runtime;

public sealed partial class NodeRuntime
{
    /// <summary>The snapshot threshold when <see cref="FaultPoint.ForceEarlySnapshot"/> fires.</summary>
    public const int EarlySnapshotEntries = 50;

    private readonly RaftOptions _options;

    /// <summary>The Raft options this node runs with (read-only).</summary>
    public RaftOptions Options => _options;
    /// <summary>A compaction snapshot submitted to disk and not yet durable; one at a time.</summary>
    private bool _compactionInFlight;
    /// <summary>Where this node's snapshot bytes live: the log disk's snapshot store, or inline in its records.</summary>
    private readonly SnapshotFiles _files;
    /// <summary>The snapshot record the log disk holds (loaded, or last made durable), or null.</summary>
    private SnapshotRecord? _durableSnapshot;

    /// <summary>A snapshot record is submitted to the log disk and not yet durable: its file must outlive retention.</summary>
    private bool SnapshotWriteInFlight => _writes.Any(w => w.Snapshot is not null);

    /// <summary>Snapshots this incarnation took of its own state machine and compacted the log to.</summary>
    public long SnapshotsTaken { get; private set; }

    /// <summary>Snapshots this incarnation installed from a leader and restored its state machine from.</summary>
    public long SnapshotsRestored { get; private set; }

    /// <summary>
    /// Raft §7 compaction: once enough applied entries follow the snapshot, snapshot the state machine at
    /// the applied index and persist it. The log is compacted only when that write is durable.
    /// </summary>
    private void MaybeSnapshot()
    {
        // The log is compacted only up to what the state machine has made durable (issue 8 §2).
        var index = CompactionLimit();
        if (_compactionInFlight || index <= Raft.SnapshotIndex || index > Raft.StableIndex) return;
        var behind = index - Raft.SnapshotIndex;
        if (behind < (ulong)_options.SnapshotEntriesThreshold && Raft.RetainedLogBytes <= _options.RetainedLogBytesMax
            && !(behind >= EarlySnapshotEntries && Buggify.Fires(FaultPoint.ForceEarlySnapshot))) return;
        // A leader keeps the entries a lagging follower still needs (after a snapshot install, say): RaftOptions.SnapshotCatchUpEntries.
        if (Raft.CompactionDeferred(index)) return;
        Invariant.Holds(index <= Raft.StableIndex && index <= Raft.CommitIndex, "a compaction snapshot at {0} is durable and committed (stable {1})", index, Raft.StableIndex);
        // The data is the state at the applied index (at or past `index`): a follower installing it skips the
        // entries it already covers.
        // A durable store already holds the state through `index` (CompactionLimit): the record carries no bytes, and a
        // snapshot to send is produced from the store only when a follower needs one (OfferSnapshotFromStore).
        var snapshot = _stateMachine.HasDurableStore ? new SnapshotRecord { Index = index, Term = Raft.TermAt(index), InStore = true } : TakeSnapshot(index);
        if (snapshot is null) return;
        var write = new DiskWrite(++_writeSeq, null, Array.Empty<Entry>(), snapshot);
        EnqueueWrite(new PendingWrite(write.Id, 0, 0, new List<Message>(), snapshot));
        _compactionInFlight = true;
        _disk.Submit(write);
    }

    /// <summary>Streams the state machine's snapshot into a new snapshot file for <paramref name="index"/> and commits
    /// it (durable before any record names it); null when the node fail-stopped because the write failed.</summary>
    private SnapshotRecord? TakeSnapshot(ulong index)
    {
        try
        {
            using var file = _files.Begin(index, Raft.TermAt(index));
            _stateMachine.WriteSnapshot(file);
            return file.Commit();
        }
        catch (IOException e)
        {
            FailStop($"writing the snapshot at {index} failed: {e.Message}");
            return null;
        }
    }

    /// <summary>Replaces the state machine's state with <paramref name="snapshot"/>'s, read in order from its file.</summary>
    private void Restore(SnapshotRecord snapshot)
    {
        using var data = _files.OpenRead(snapshot);
        _stateMachine.RestoreSnapshot(data);
    }

    /// <summary>A snapshot write is durable: an install restores the state machine, a compaction trims the log.
    /// Either way the files of older snapshots go, unless another snapshot write is still on its way to the disk
    /// (its file must outlive this record).</summary>
    private void OnSnapshotDurable(SnapshotRecord snapshot)
    {
        _durableSnapshot = snapshot;
        if (!SnapshotWriteInFlight) _files.Retain(snapshot);
        if (!snapshot.ReplaceLog)
        {
            _compactionInFlight = false;
            Raft.Compact(snapshot);
            SnapshotsTaken++;
            return;
        }
        if (snapshot.Index > _stateMachine.AppliedIndex) Restore(snapshot);
        Invariant.Holds(snapshot.Index <= Raft.CommitIndex, "a restored snapshot at {0} is committed (commit {1})", snapshot.Index, Raft.CommitIndex);
        Raft.OnSnapshotPersisted(snapshot.Index);
        SnapshotsRestored++;
        // Proposals at or below the snapshot will never be applied here; their clients time out.
        ForgetProposalsCoveredBy(snapshot.Index);
        Observer?.OnSnapshotRestored(Raft.Id, snapshot);
    }

    /// <summary>The transport could not reach <paramref name="peer"/>; see <see cref="RaftNode.ReportUnreachable"/>.</summary>
    public void ReportUnreachable(ulong peer) => Accept(peer, static (r, p) => r.ReportNow(raft => raft.ReportUnreachable(p)));

    /// <summary>The transport's delivery of a snapshot to <paramref name="peer"/> ended; see <see cref="RaftNode.ReportSnapshot"/>.</summary>
    public void ReportSnapshot(ulong peer, SnapshotStatus status) =>
        Accept((peer, status), static (r, a) => r.ReportNow(raft => raft.ReportSnapshot(a.peer, a.status)));

    private void ReportNow(Action<RaftNode> report)
    {
        if (Stopped) return;
        ReleaseDelayed();
        report(Raft);
        Drain();
    }
}
