using Cairn.Core.Runtime;
using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Cairn.Host.Storage;

/// <summary>
/// The Raft log disk on SQLite (WAL, <c>synchronous=FULL</c>). One writer thread owns the connection and
/// group-commits: every write submitted while a commit runs goes into the next transaction, so one fsync
/// covers all of them. Completions are reported per write id, in submission order, on the writer thread
/// through the callbacks given at construction; the owner posts them to its node loop.
/// </summary>
/// <remarks>
/// Back-pressure: <see cref="Submit"/> returns at once while fewer than <see cref="QueuedWritesMax"/> writes
/// wait; beyond that it blocks until the writer takes a batch. A full disk (SQLITE_FULL) sets
/// <see cref="OutOfSpace"/> and the batch is retried every <see cref="FullRetryDelayMs"/> until it fits; a
/// batch is one transaction, so it is never half-done. Any other failure is reported through
/// <c>onFailed</c> for the batch and every later write: the node must fail-stop.
/// </remarks>
public sealed partial class SqliteLogDisk : ILogDisk, IDisposable
{
    /// <summary>Writes waiting for the writer before <see cref="Submit"/> blocks.</summary>
    public const int QueuedWritesMax = 4_096;

    /// <summary>Writes coalesced into one transaction (one fsync) at most.</summary>
    public const int WritesPerCommitMax = 1_024;

    /// <summary>Milliseconds between retries of a batch that hit a full disk.</summary>
    public const int FullRetryDelayMs = 100;

    /// <summary>The directory, beside the log database, that holds the snapshot files (etcd's <c>member/snap</c>).</summary>
    public const string SnapshotDirectoryName = "snap";

    private readonly string _path;
    private readonly Action<long> _onDurable;
    private readonly Action<long>? _onGroupDurable;
    private readonly Action<long, string> _onFailed;
    private readonly object _gate = new();
    private readonly Queue<(DiskWrite Write, long SubmittedAt)> _queue = new();
    private readonly SqliteConnection _connection;
    private readonly LogTables _tables;
    private readonly Thread _writer;
    private readonly WalCheckpointer _checkpointer;
    private long _lastSubmittedId = long.MinValue;
    private bool _stopping;
    private string? _failure;
    private volatile bool _outOfSpace;
    private long _commits, _writesDurable;
    private readonly Lazy<FileSnapshotStore> _snapshots;

    /// <summary>Gives the space freed by log compaction back: VACUUM on a connection of its own (SQLite serialises
    /// it with the writer's transactions), then the WAL is truncated. Callable from any thread.</summary>
    public void Defragment() => SqliteFiles.Vacuum(_path);

    /// <summary>Opens (creating when missing) the log database at <paramref name="path"/> and starts its writer.</summary>
    /// <param name="path">The database file; SQLite keeps <c>-wal</c> and <c>-shm</c> files beside it.</param>
    /// <param name="onDurable">Called on the writer thread with each write id once it is durable, in id order.
    /// Callbacks must return quickly and must not throw (post them to the node loop).</param>
    /// <param name="onFailed">Called on the writer thread with a write id and the reason when it cannot be made
    /// durable; every later write fails too.</param>
    /// <param name="onGroupDurable">Group commit: called on the writer thread once per transaction with the last
    /// write id it made durable, after <paramref name="onDurable"/> for each of its writes (feed it to
    /// <see cref="NodeRuntime.OnDiskWritesDurableThrough"/>); null when the caller completes write by write.</param>
    public SqliteLogDisk(string path, Action<long> onDurable, Action<long, string> onFailed, Action<long>? onGroupDurable = null)
    {
        _onGroupDurable = onGroupDurable;
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = path;
        _onDurable = onDurable ?? throw new ArgumentNullException(nameof(onDurable));
        _onFailed = onFailed ?? throw new ArgumentNullException(nameof(onFailed));
        _connection = SqliteFiles.Open(path);
        _tables = new LogTables(_connection);
        _checkpointer = new WalCheckpointer(path, _connection);
        _snapshots = new Lazy<FileSnapshotStore>(() => new FileSnapshotStore(SnapshotDirectoryOf(path)));
        _writer = new Thread(WriterLoop) { IsBackground = true, Name = "cairn-log-disk" };
        _writer.Start();
    }

    /// <inheritdoc />
    public bool OutOfSpace => _outOfSpace;

    /// <inheritdoc />
    /// <remarks>A <see cref="FileSnapshotStore"/> in <see cref="SnapshotDirectoryName"/> beside the database file,
    /// opened (and the directory created) on first use.</remarks>
    public ISnapshotStore Snapshots => _snapshots.Value;

    /// <summary>The snapshot directory of the log database at <paramref name="path"/>.</summary>
    public static string SnapshotDirectoryOf(string path) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", SnapshotDirectoryName);

    /// <summary>Transactions committed (each one fsync of the WAL).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Writes reported durable.</summary>
    public long WritesDurable => Interlocked.Read(ref _writesDurable);

    /// <summary>Canary for the crash tests: report a batch durable before its COMMIT (persist-before-acknowledge
    /// broken). Off except in tests.</summary>
    internal bool AcknowledgeBeforeCommitCanary { get; set; }

    /// <summary>Test hook, run on the writer thread before each batch is committed (e.g. to hold the writer
    /// while writes pile up, or to shrink SQLite's page limit).</summary>
    internal Action<SqliteConnection>? BeforeCommit { get; set; }

    /// <summary>Called on the writer thread after each committed transaction with where its time went
    /// (set before the first <see cref="Submit"/>; the host feeds its disk metrics from it).</summary>
    internal Action<LogCommitTimes>? CommitTimed { get; set; }

    /// <inheritdoc />
    /// <remarks>Reads on its own connection; call it before the first <see cref="Submit"/>.</remarks>
    public DurableState Load()
    {
        using var connection = SqliteFiles.Open(_path);
        return LogLoader.Load(connection);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The id does not exceed the previous one's.</exception>
    public void Submit(DiskWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            if (write.Id <= _lastSubmittedId)
                throw new ArgumentException($"write id {write.Id} does not follow {_lastSubmittedId}", nameof(write));
            while (_queue.Count >= QueuedWritesMax && !_stopping) Monitor.Wait(_gate);
            ObjectDisposedException.ThrowIf(_stopping, this);
            _lastSubmittedId = write.Id;
            _queue.Enqueue((write, Stopwatch.GetTimestamp()));
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Finishes every submitted write, stops the writer and closes the database.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping) return;
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
        _writer.Join();
        _checkpointer.Dispose();
        _tables.Dispose();
        _connection.Dispose();
    }
}
