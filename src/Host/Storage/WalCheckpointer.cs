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

    /// <summary>Starts checkpointing <paramref name="path"/>; <paramref name="writer"/> is the database's
    /// writing connection, whose automatic checkpoint is raised to <see cref="WriterAutoCheckpointPages"/>.</summary>
    public WalCheckpointer(string path, SqliteConnection writer)
    {
        _path = path;
        SqliteFiles.Execute(writer, $"PRAGMA wal_autocheckpoint={WriterAutoCheckpointPages}");
        _thread = new Thread(Run) { IsBackground = true, Name = "cairn-wal-checkpoint" };
        _thread.Start();
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
