using Microsoft.Data.Sqlite;

namespace Cairn.Host.Storage;

/// <summary>
/// Checkpoints a WAL database from a thread of its own, so the writer's COMMIT never carries a checkpoint.
/// SQLite's automatic checkpoint runs inside the COMMIT that crosses <c>wal_autocheckpoint</c> pages: it
/// copies the WAL into the database and fsyncs both, a stall of tens to hundreds of milliseconds on a busy
/// disk, every 4 MiB of writes, on the thread that committed (the log writer, or the node loop for the KV
/// store). Here a PASSIVE checkpoint runs every <see cref="Interval"/> on a connection of its own, beside the
/// writer (WAL lets them overlap); the writer's own automatic checkpoint stays on, raised to
/// <see cref="WriterAutoCheckpointPages"/>, only as a bound on the WAL should this thread fall behind.
/// Checkpointing moves committed data between files; what is durable does not change.
/// <para>
/// For a database whose writer commits without syncing (<c>synchronous=NORMAL</c>, the KV store) it also keeps
/// the durable watermark: the writer publishes the applied index of each commit (<see cref="Committed"/>), and
/// each round first reads the last one published, fsyncs the WAL and the database (<see cref="SqliteFiles.SyncToDisk"/>)
/// and only then publishes it as <see cref="DurableAppliedIndex"/>. So the watermark never runs ahead of what
/// stable storage holds: a commit published before the read was written before the fsync.
/// </para>
/// </summary>
internal sealed class WalCheckpointer : IDisposable
{
    /// <summary>Time between background checkpoints.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>The writer connection's <c>wal_autocheckpoint</c> (pages; SQLite's default is 1000).</summary>
    public const int WriterAutoCheckpointPages = 16_384;

    private readonly string _path;
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;
    private readonly bool _tracksDurable;
    private readonly object _syncGate = new();
    private long _committed, _durable;
    private bool _syncFailed;

    /// <summary>Starts checkpointing <paramref name="path"/>; <paramref name="writer"/> is the database's
    /// writing connection, whose automatic checkpoint is raised to <see cref="WriterAutoCheckpointPages"/>.
    /// With <paramref name="committedAppliedIndex"/> (a writer that commits without syncing) the files are synced
    /// at once, so what the writer found at open is durable, and then every round.</summary>
    public WalCheckpointer(string path, SqliteConnection writer, ulong? committedAppliedIndex = null)
    {
        _path = path;
        SqliteFiles.Execute(writer, $"PRAGMA wal_autocheckpoint={WriterAutoCheckpointPages}");
        if (committedAppliedIndex is { } committed)
        {
            _tracksDurable = true;
            _committed = (long)committed;
            SqliteFiles.SyncToDisk(path);
            _durable = _committed;
        }
        _thread = new Thread(Run) { IsBackground = true, Name = "cairn-wal-checkpoint" };
        _thread.Start();
    }

    /// <summary>The applied index of the writer's last commit known to be on stable storage.</summary>
    public ulong DurableAppliedIndex => (ulong)Interlocked.Read(ref _durable);

    /// <summary>The writer committed a batch with <paramref name="appliedIndex"/> (not synced yet).</summary>
    public void Committed(ulong appliedIndex) => Interlocked.Exchange(ref _committed, (long)appliedIndex);

    /// <summary>Makes every commit published so far durable and publishes its applied index; on the background
    /// thread every round, or on the caller's (tests, a clean close).</summary>
    public void SyncCommitted()
    {
        if (!_tracksDurable) return;
        lock (_syncGate)
        {
            long committed = Interlocked.Read(ref _committed);
            if (_syncFailed || committed == Interlocked.Read(ref _durable)) return;
            try
            {
                SqliteFiles.SyncToDisk(_path);
            }
            catch (IOException)
            {
                // fsyncgate: after a failed fsync a later one may succeed without the lost pages. The watermark
                // stays where it was for good, so the log is never compacted past what is known durable.
                _syncFailed = true;
                throw;
            }
            Interlocked.Exchange(ref _durable, committed);
        }
    }

    /// <summary>Stops the thread (after a checkpoint in progress) and closes its connection.</summary>
    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        _stop.Dispose();
    }

    private void Run()
    {
        SqliteConnection? connection = null;
        try
        {
            while (!_stop.Wait(Interval))
            {
                try
                {
                    SyncCommitted();
                    connection ??= SqliteFiles.Open(_path);
                    SqliteFiles.Execute(connection, "PRAGMA wal_checkpoint(PASSIVE)");
                }
                catch (Exception e) when (e is SqliteException or InvalidOperationException or IOException)
                {
                    // Busy, or the file is being replaced: the next round (or the writer's own bound) checkpoints.
                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }
}
