using Cairn.Core.Raft;

namespace Cairn.Core.Runtime;

/// <summary>
/// Snapshots a leader produces from its state machine's store for followers that need one (the compaction of a durable
/// store records no bytes): the state is pinned on the loop and written off it by the <see cref="SnapshotProducer"/>,
/// one job at a time.
/// </summary>
public sealed partial class NodeRuntime
{
    /// <summary>Runs snapshot jobs off the event loop, or null to run them inline (tests, small state machines).</summary>
    public ISnapshotProducer? SnapshotProducer { get; init; }

    /// <summary>The job under way, or null.</summary>
    private SnapshotJob? _production;
    private long _productionSeq;

    /// <summary>Snapshots this incarnation produced from its state machine's store to send to a follower.</summary>
    public long SnapshotsProduced { get; private set; }

    /// <summary>Snapshot jobs that failed (the leader asks again when a follower still needs one).</summary>
    public long SnapshotProductionsFailed { get; private set; }

    /// <summary>A leader whose compacted state lives in its store must send a follower a snapshot: it pins the state
    /// and starts a job that writes it to a snapshot file.</summary>
    private void StartSnapshotProduction()
    {
        if (_production is not null) return;
        var state = _stateMachine.CaptureSnapshot();
        // The pinned state covers its own applied index, which trails the Raft core's when the last entries carried no
        // command (a new leader's empty entry) or were not committed to the store yet, and passes it when the store was
        // restored past the log. The snapshot is labelled with the lower; its data says how far it really goes (a
        // follower skips what it covers).
        var index = Math.Min(Raft.AppliedIndex, state.AppliedIndex);
        if (index < Raft.SnapshotIndex)
        {
            state.Dispose(); // the store trails the compaction (it cannot, for a leader): ask again later
            return;
        }
        var job = new SnapshotJob(++_productionSeq, index, Raft.TermAt(index), state, _files);
        _production = job;
        if (SnapshotProducer is { } producer) producer.Produce(job);
        else
        {
            job.Run();
            SnapshotProducedNow(job);
        }
    }

    /// <summary>The producer finished <paramref name="job"/> (called on the node's loop).</summary>
    public void OnSnapshotProduced(SnapshotJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        Accept(job, static (r, j) =>
        {
            if (r.Stopped) return;
            r.ReleaseDelayed();
            r.SnapshotProducedNow(j);
            r.Drain();
        });
    }

    private void SnapshotProducedNow(SnapshotJob job)
    {
        if (!ReferenceEquals(job, _production)) return; // a job of an earlier incarnation's making, or repeated
        _production = null;
        if (job.Source is not { } source)
        {
            // A failed write, or a file removed before it was opened: nothing is lost, a follower that still needs a
            // snapshot asks again.
            SnapshotProductionsFailed++;
            return;
        }
        SnapshotsProduced++;
        // The durable record names no file (the store holds the state): the files of earlier productions are stale.
        if (_durableSnapshot is not { File.Length: > 0 } && !SnapshotWriteInFlight) _files.Retain(job.Record);
        // The log may have been compacted past the job's index meanwhile, or this node no longer leads.
        if (Raft.Role == RaftRole.Leader && job.Index >= Raft.SnapshotIndex) Raft.OfferSnapshot(source);
    }
}
