using Microsoft.Data.Sqlite;

namespace Cairn.Host.Storage;

/// <summary>Opens SQLite database files the way every Cairn store needs them: WAL journal, full sync, no pooling.</summary>
internal static class SqliteFiles
{
    /// <summary>SQLite's primary result code for a full disk (SQLITE_FULL).</summary>
    internal const int SqliteFull = 13;

    /// <summary>SQLite's result codes for a damaged database (SQLITE_CORRUPT, SQLITE_NOTADB).</summary>
    internal const int SqliteCorrupt = 11, SqliteNotADatabase = 26;

    /// <summary>Milliseconds a connection waits on a lock held by another connection before failing.</summary>
    internal const int BusyTimeoutMsMax = 5_000;

    /// <summary>Opens <paramref name="path"/> (creating it), in WAL mode with <c>synchronous=FULL</c>, so a
    /// committed transaction has been fsynced before COMMIT returns; with <paramref name="syncEachCommit"/> false,
    /// <c>synchronous=NORMAL</c>: COMMIT only writes the WAL (the database stays consistent after a power loss,
    /// but may come back at an older commit) and the owner syncs it (<see cref="SyncToDisk"/>). A file that is
    /// not a SQLite database throws <see cref="InvalidDataException"/>.</summary>
    internal static SqliteConnection Open(string path, bool syncEachCommit = true)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadWriteCreate };
        var connection = new SqliteConnection(builder.ToString());
        string? mode;
        try
        {
            connection.Open();
            mode = Scalar(connection, "PRAGMA journal_mode=WAL;") as string;
        }
        catch (SqliteException e) when (IsCorrupt(e))
        {
            connection.Dispose();
            throw new InvalidDataException($"{path} is not a readable SQLite database ({e.Message}); refusing to start", e);
        }
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            connection.Dispose();
            throw new InvalidOperationException($"SQLite refused WAL mode for {path} (journal_mode={mode})");
        }
        string synchronous = syncEachCommit ? "FULL" : "NORMAL";
        Execute(connection, $"PRAGMA synchronous={synchronous}; PRAGMA busy_timeout={BusyTimeoutMsMax}; PRAGMA foreign_keys=OFF;");
        return connection;
    }

    /// <summary>Rewrites the database at <paramref name="path"/> without its free pages on a connection of its
    /// own (SQLite serialises it with the database's writer), then truncates the WAL.</summary>
    internal static void Vacuum(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadWrite }.ToString());
        connection.Open();
        Execute(connection, $"PRAGMA busy_timeout={BusyTimeoutMsMax}; VACUUM; PRAGMA wal_checkpoint(TRUNCATE);");
    }

    /// <summary>fsyncs the WAL (when there is one) and then the database file of <paramref name="path"/>: every
    /// transaction committed before the call is on stable storage when it returns, wherever SQLite holds it (a
    /// checkpoint may have moved it from the WAL into the database, syncing the database before the WAL is reused).</summary>
    internal static void SyncToDisk(string path)
    {
        foreach (string file in new[] { path + "-wal", path })
        {
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                stream.Flush(flushToDisk: true);
            }
            catch (FileNotFoundException) when (file != path)
            {
                // No WAL (checkpointed and removed at a close): everything is in the database file.
            }
        }
    }

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    internal static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    internal static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters) command.Parameters.Add(new SqliteParameter(name, null));
        return command;
    }

    /// <summary>True when SQLite found its own structures damaged (SQLITE_CORRUPT, SQLITE_NOTADB).</summary>
    internal static bool IsCorrupt(SqliteException error) => (error.SqliteErrorCode & 0xFF) is SqliteCorrupt or SqliteNotADatabase;

    /// <summary>True when <paramref name="error"/> is SQLite telling us the disk (or the database's size limit) is full.</summary>
    internal static bool IsFull(SqliteException error) => (error.SqliteErrorCode & 0xFF) == SqliteFull;
}
