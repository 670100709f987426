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
/// state (SQLite's WAL snapshot), while the node loop keeps writing. Rows are verified against their checksums.
/// </summary>
public sealed class MvccReadView : IDisposable
{
    private readonly SqliteConnection _connection;

    private MvccReadView(SqliteConnection connection)
    {
        _connection = connection;
        SqliteFiles.Execute(connection, "BEGIN");
        CurrentRevision = Meta(MvccSchema.CurrentRevision) ?? 1;
        CompactRevision = Meta(MvccSchema.CompactRevision) ?? 0;
        AppliedIndex = (ulong)(Meta(MvccSchema.AppliedIndex) ?? 0);
        LastLeaseId = Meta(MvccSchema.LastLeaseId) ?? 0;
    }

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
            return new MvccReadView(connection);
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
        using var command = SqliteFiles.Prepare(_connection, "SELECT key, main, sub, kv, crc FROM mvcc_revisions ORDER BY main, sub");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var key = (byte[])reader.GetValue(0);
            var (main, sub) = (reader.GetInt64(1), reader.GetInt32(2));
            var kv = reader.IsDBNull(3) ? null : (byte[])reader.GetValue(3);
            if (RecordChecksum.OfRevision(key, main, sub, kv) != reader.GetInt64(4))
                throw SqliteMvccBackend.Corrupt($"revision {main}.{sub} fails its checksum");
            yield return new MvccRevisionRow(key, main, sub, kv);
        }
    }

    /// <summary>The stored leases, by id.</summary>
    public IReadOnlyList<LeaseRecord> Leases()
    {
        var leases = new List<LeaseRecord>();
        using var command = SqliteFiles.Prepare(_connection, "SELECT id, ttl, crc FROM mvcc_leases ORDER BY id");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var (id, ttl) = (reader.GetInt64(0), reader.GetInt64(1));
            if (RecordChecksum.OfPair("lease", id, ttl) != reader.GetInt64(2)) throw SqliteMvccBackend.Corrupt($"lease {id} fails its checksum");
            leases.Add(new LeaseRecord { ID = id, TTL = ttl });
        }
        return leases;
    }

    /// <summary>The raised alarms.</summary>
    public IReadOnlyList<AlarmMember> Alarms()
    {
        var alarms = new List<AlarmMember>();
        using var command = SqliteFiles.Prepare(_connection, "SELECT member, alarm, crc FROM mvcc_alarms ORDER BY member, alarm");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var (member, alarm) = (reader.GetInt64(0), reader.GetInt64(1));
            if (RecordChecksum.OfPair("alarm", member, alarm) != reader.GetInt64(2)) throw SqliteMvccBackend.Corrupt($"alarm {alarm} of member {member} fails its checksum");
            alarms.Add(new AlarmMember { MemberID = (ulong)member, Alarm = (AlarmType)alarm });
        }
        return alarms;
    }

    private long? Meta(string name)
    {
        using var command = SqliteFiles.Prepare(_connection, "SELECT value, crc FROM mvcc_meta WHERE name = $n", "$n");
        command.Parameters[0].Value = name;
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        var value = reader.GetInt64(0);
        if (RecordChecksum.OfPair(name, value) != reader.GetInt64(1)) throw SqliteMvccBackend.Corrupt($"meta row {name} fails its checksum");
        return value;
    }

    /// <summary>Ends the read transaction and closes the connection.</summary>
    public void Dispose()
    {
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
