using Cairn.Core.Wire;
using Microsoft.Data.Sqlite;

namespace Cairn.Host.Storage;

/// <summary>A snapshot of the MVCC store as a SQLite file, with the length and CRC-32C that travel with it.</summary>
/// <param name="Path">The file.</param>
/// <param name="Length">Its length in bytes.</param>
/// <param name="Crc32C">The CRC-32C of the whole file.</param>
/// <param name="AppliedIndex">The Raft index the snapshot's data covers.</param>
public sealed record MvccSnapshotFile(string Path, long Length, uint Crc32C, ulong AppliedIndex);

/// <summary>Snapshots as files: <c>VACUUM INTO</c> from a read transaction, verified and renamed into place.</summary>
public sealed partial class SqliteMvccBackend
{
    /// <summary>Bytes read at a time when checksumming a snapshot file.</summary>
    public const int SnapshotReadChunkBytes = 1 << 20;

    /// <summary>
    /// Writes a consistent copy of the last committed state to <paramref name="snapshotPath"/> (which must not
    /// exist) with <c>VACUUM INTO</c> on a connection of its own, fsyncs it and checksums it. It reads only the
    /// committed database, so it may run off the node loop while the loop keeps applying.
    /// </summary>
    public MvccSnapshotFile WriteSnapshot(string snapshotPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(snapshotPath);
        if (InMemory) throw new InvalidOperationException("an in-memory store has no file to snapshot");
        if (File.Exists(snapshotPath)) throw new IOException($"snapshot file {snapshotPath} already exists");
        using (var source = SqliteFiles.Open(_path))
        using (var vacuum = SqliteFiles.Prepare(source, "VACUUM INTO $p", "$p"))
        {
            vacuum.Parameters[0].Value = snapshotPath;
            vacuum.ExecuteNonQuery();
        }
        var applied = AppliedIndexOf(snapshotPath);
        SyncFile(snapshotPath);
        var (length, crc) = Checksum(snapshotPath);
        return new MvccSnapshotFile(snapshotPath, length, crc, applied);
    }

    /// <summary>
    /// Replaces the whole store with <paramref name="snapshot"/>: verifies its length, CRC-32C and SQLite's own
    /// structure (<c>quick_check</c>) first — a torn, partial or damaged file throws
    /// <see cref="InvalidDataException"/> and the store is left as it was — then closes the database (which
    /// checkpoints and removes its WAL) and renames the file over it, an atomic step: after a crash the store
    /// is either the old one or the new one. The snapshot file is consumed. No batch may be open.
    /// </summary>
    public void InstallSnapshot(MvccSnapshotFile snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (InMemory) throw new InvalidOperationException("an in-memory store cannot install a snapshot file");
        if (_inTransaction) throw new InvalidOperationException("cannot install a snapshot inside a transaction");
        Verify(snapshot);
        SyncFile(snapshot.Path);
        Close();
        File.Move(snapshot.Path, _path, overwrite: true);
        _connection = Open();
        LoadMeta();
        StartCheckpointer();
    }

    private static void Verify(MvccSnapshotFile snapshot)
    {
        var info = new FileInfo(snapshot.Path);
        if (!info.Exists) throw new InvalidDataException($"snapshot file {snapshot.Path} is missing; not installed");
        var (length, crc) = Checksum(snapshot.Path);
        if (length != snapshot.Length || crc != snapshot.Crc32C)
            throw new InvalidDataException($"snapshot file {snapshot.Path} is torn or corrupt ({length} bytes, crc {crc:x8}; expected {snapshot.Length}, {snapshot.Crc32C:x8}); not installed");
        using var connection = OpenReadOnly(snapshot.Path);
        var check = SqliteFiles.Scalar(connection, "PRAGMA quick_check") as string;
        if (check != "ok") throw new InvalidDataException($"snapshot file {snapshot.Path} fails SQLite's check ({check}); not installed");
        var applied = AppliedIndexOf(snapshot.Path);
        if (applied != snapshot.AppliedIndex)
            throw new InvalidDataException($"snapshot file {snapshot.Path} covers index {applied}, not {snapshot.AppliedIndex}; not installed");
    }

    /// <summary>The applied index stored in a snapshot file, read without changing the file.</summary>
    private static ulong AppliedIndexOf(string path)
    {
        using var connection = OpenReadOnly(path);
        using var command = SqliteFiles.Prepare(connection, "SELECT value, crc FROM mvcc_meta WHERE name = $n", "$n");
        command.Parameters[0].Value = MvccSchema.AppliedIndex;
        try
        {
            using var reader = command.ExecuteReader();
            if (!reader.Read()) return 0;
            var value = reader.GetInt64(0);
            if (RecordChecksum.OfPair(MvccSchema.AppliedIndex, value) != reader.GetInt64(1))
                throw new InvalidDataException($"snapshot file {path}: applied index fails its checksum; not installed");
            return (ulong)value;
        }
        catch (SqliteException e)
        {
            throw new InvalidDataException($"snapshot file {path} is not an MVCC store ({e.Message}); not installed", e);
        }
    }

    private static SqliteConnection OpenReadOnly(string path)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            return connection;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new InvalidDataException($"snapshot file {path} cannot be opened ({e.Message}); not installed", e);
        }
    }

    private static (long Length, uint Crc) Checksum(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, SnapshotReadChunkBytes);
        var buffer = new byte[SnapshotReadChunkBytes];
        uint crc = 0;
        long length = 0;
        int read;
        while ((read = file.Read(buffer, 0, buffer.Length)) > 0)
        {
            crc = Crc32C.Append(crc, buffer.AsSpan(0, read));
            length += read;
        }
        return (length, crc);
    }

    private static void SyncFile(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        file.Flush(flushToDisk: true);
    }
}
