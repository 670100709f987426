using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Cairn.Core.StateMachine;

namespace Cairn.Core.Runtime;

/// <summary>
/// Runs the writing of snapshots off the event loop: a leader whose compacted state lives in its store produces a
/// snapshot for a follower from a pinned view of that store, which may take seconds for a large store. The producer
/// calls <see cref="SnapshotJob.Run"/> (on any thread, or at once), then hands the job back with
/// <see cref="NodeRuntime.OnSnapshotProduced"/> on the node's loop. Without a producer the runtime runs jobs inline.
/// </summary>
public interface ISnapshotProducer
{
    /// <summary>Starts <paramref name="job"/>.</summary>
    void Produce(SnapshotJob job);
}

/// <summary>One snapshot to write from a pinned state (<see cref="IStateSnapshot"/>) into a new snapshot file.</summary>
public sealed class SnapshotJob
{
    private readonly IStateSnapshot _state;
    private readonly SnapshotFiles _files;
    private int _ran;

    internal SnapshotJob(long id, ulong index, ulong term, IStateSnapshot state, SnapshotFiles files)
    {
        Id = id;
        Index = index;
        Term = term;
        _state = state;
        _files = files;
    }

    /// <summary>The job's number within its node's incarnation.</summary>
    public long Id { get; }

    /// <summary>The index the snapshot is labelled with: its data covers at least this far.</summary>
    public ulong Index { get; }

    /// <summary>The term of the entry at <see cref="Index"/>.</summary>
    public ulong Term { get; }

    /// <summary>The snapshot's length in bytes once written (0 before, or when it failed).</summary>
    public long Length => Record is { } r ? (long)r.Length : 0;

    /// <summary>Why the job failed, or null.</summary>
    public string? Error { get; private set; }

    internal SnapshotRecord? Record { get; private set; }

    internal ISnapshotSource? Source { get; private set; }

    /// <summary>Writes the snapshot file and opens it for sending; runs once, on any thread.</summary>
    public void Run()
    {
        Invariant.Holds(Interlocked.Exchange(ref _ran, 1) == 0, "snapshot job {0} runs once", (ulong)Id);
        try
        {
            using (var file = _files.Begin(Index, Term))
            {
                _state.WriteTo(file);
                Record = file.Commit();
            }
            Source = _files.Source(Record);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or System.Data.Common.DbException)
        {
            Error = $"{e.GetType().Name}: {e.Message}";
        }
        finally
        {
            _state.Dispose();
        }
    }
}
