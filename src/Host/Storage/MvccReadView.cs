using Cairn.Core.Kv;
using Cairn.Core.Kv.Wire;
using Microsoft.Data.Sqlite;

namespace Cairn.Host.Storage;

/// <summary>One stored revision of a key: <paramref name="Kv"/> is the protobuf <c>KeyValue</c>, null for a tombstone.</summary>
/// <param name="Key">The key.</param>
/// <param name="Main">The revision.</param>
/// <param name="Sub">The change's place within its revision.</param>
/// <param name="Kv">The stored <c>KeyValue</c> bytes, or null for a deletion.</param>
public readonly record struct MvccRevisionRow(byte[] Key, long Main, int Sub, byte[]? Kv);

/// <summary>
/// A read transaction on an MVCC store file, on a connection of its own: every read sees the same committed
/// state (SQLite's WAL snapshot), while the node loop keeps writing; it touches nothing of the store's own, so any
/// one thread may read it. Rows are verified against their checksums. A view of an in-memory store
/// (<see cref="SqliteMvccBackend.OpenSnapshotView"/>) instead reads through the store's connection, on the store's
/// thread, and throws <see cref="InvalidOperationException"/> from any read once the store wrote after it opened.
/// </summary>
public sealed class MvccReadView : IMvccSnapshotView
{
    private readonly SqliteConnection _connection;

    /// <summary>Null for a connection of the view's own; else the store's check that it has not written since.</summary>
    private readonly Action? _ensureUnchanged;

    private bool _disposed;

    private MvccReadView(SqliteConnection connection, Action? ensureUnchanged)
    {
        _connection = connection;
        _ensureUnchanged = ensureUnchanged;
        if (OwnsConnection) SqliteFiles.Execute(connection, "BEGIN");
        CurrentRevision = SqliteMvccBackend.MetaOf(connection, MvccSchema.CurrentRevision) ?? 1;
        CompactRevision = SqliteMvccBackend.MetaOf(connection, MvccSchema.CompactRevision) ?? 0;
        AppliedIndex = (ulong)(SqliteMvccBackend.MetaOf(connection, MvccSchema.AppliedIndex) ?? 0);
        LastLeaseId = SqliteMvccBackend.MetaOf(connection, MvccSchema.LastLeaseId) ?? 0;
    }

    private bool OwnsConnection => _ensureUnchanged is null;

    /// <summary>A view reading through <paramref name="connection"/>, which stays its owner's (an in-memory store,
    /// with no transaction open); <paramref name="ensureUnchanged"/> throws once the owner wrote.</summary>
    internal static MvccReadView Over(SqliteConnection connection, Action ensureUnchanged) => new(connection, ensureUnchanged);

    /// <summary>Opens a read transaction on the store at <paramref name="path"/>, which must exist.</summary>
    /// <exception cref="InvalidDataException">The file is not an MVCC store or its meta rows fail their checksums.</exception>
    public static MvccReadView Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"mvcc store {path} does not exist", path);
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 5 };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            SqliteFiles.Execute(connection, "PRAGMA busy_timeout = 5000; PRAGMA query_only = 1;");
            return new MvccReadView(connection, ensureUnchanged: null);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new InvalidDataException($"mvcc store {path} cannot be read ({e.Message})", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The last revision committed.</summary>
    public long CurrentRevision { get; }

    /// <summary>The compaction revision (0 when never compacted).</summary>
    public long CompactRevision { get; }

    /// <summary>The Raft index the committed data covers.</summary>
    public ulong AppliedIndex { get; }

    /// <summary>The last lease id the store picked.</summary>
    public long LastLeaseId { get; }

    /// <summary>Every retained revision of every key in (revision, sub) order, streamed: one row in memory at a time.</summary>
    public IEnumerable<MvccRevisionRow> Revisions()
    {
        EnsureReadable();
        using var command = SqliteFiles.Prepare(_connection, "SELECT key, main, sub, kv, crc FROM mvcc_revisions ORDER BY main, sub");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var key = (byte[])reader.GetValue(0);
            var (main, sub) = (reader.GetInt64(1), reader.GetInt32(2));
            var kv = reader.IsDBNull(3) ? null : (byte[])reader.GetValue(3);
            if (RecordChecksum.OfRevision(key, main, sub, kv) != reader.GetInt64(4))
                throw SqliteMvccBackend.Corrupt($"revision {main}.{sub} fails its checksum");
            EnsureReadable();
            yield return new MvccRevisionRow(key, main, sub, kv);
        }
    }

    /// <inheritdoc />
    /// <remarks>The store's own export (<see cref="SqliteMvccBackend.Export"/>), on this view's connection.</remarks>
    public IEnumerable<KeyHistoryRecord> Export()
    {
        EnsureReadable();
        foreach (var record in SqliteMvccBackend.ExportOf(_connection))
        {
            EnsureReadable();
            yield return record;
        }
        EnsureReadable();
    }

    /// <summary>The stored leases, by id.</summary>
    public IReadOnlyList<LeaseRecord> Leases() => Checked(SqliteMvccBackend.LeasesOf);

    /// <inheritdoc />
    public IReadOnlyList<SessionRecord> Sessions() => Checked(SqliteMvccBackend.SessionsOf);

    /// <inheritdoc />
    public IReadOnlyList<AlarmMember> StoredAlarms() => Checked(SqliteMvccBackend.AlarmsOf);

    /// <summary>The raised alarms (<see cref="StoredAlarms"/>).</summary>
    public IReadOnlyList<AlarmMember> Alarms() => StoredAlarms();

    /// <summary>Reads with <paramref name="read"/>, refusing a disposed or stale view before and after.</summary>
    private T Checked<T>(Func<SqliteConnection, T> read)
    {
        EnsureReadable();
        var result = read(_connection);
        EnsureReadable();
        return result;
    }

    private void EnsureReadable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _ensureUnchanged?.Invoke();
    }

    /// <summary>Ends the read transaction and closes the connection; a view over an in-memory store's connection
    /// leaves it open.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!OwnsConnection) return;
        try
        {
            SqliteFiles.Execute(_connection, "COMMIT");
        }
        finally
        {
            _connection.Dispose();
        }
    }
}
