using Cairn.Core.Kv;
using Cairn.Core.Kv.Wire;
using Google.Protobuf;
using Microsoft.Data.Sqlite;

namespace Cairn.Host.Storage;

/// <summary>
/// Views of the last committed batch for snapshots produced off the event loop, and the reads they share with the
/// store: the export, leases, sessions, alarms and meta rows are read by the same static functions, on whichever
/// connection the caller holds (the store's own, or a view's read transaction).
/// </summary>
public sealed partial class SqliteMvccBackend
{
    /// <summary>Bumped by every write (each passes <see cref="EnsureTransaction"/>), a defragmentation and a
    /// discard: a view of an in-memory store reads the store itself and is stale once it moved.</summary>
    private long _writeGeneration;

    /// <inheritdoc />
    /// <remarks>A file: an <see cref="MvccReadView"/> on a connection of its own (a read transaction, SQLite's WAL
    /// snapshot) that sees the last committed batch whatever this connection has open, usable from any thread while the
    /// store keeps writing. In memory there is no second connection: the view reads through this store's connection,
    /// on the store's thread, so none opens while a batch is open (null: its reads would see the batch), and it throws
    /// <see cref="InvalidOperationException"/> from any read once the store wrote after it opened.</remarks>
    public IMvccSnapshotView? OpenSnapshotView()
    {
        if (!InMemory) return MvccReadView.Open(_path);
        if (_inTransaction) return null;
        var openedAt = _writeGeneration;
        return MvccReadView.Over(_connection, () =>
        {
            if (_writeGeneration != openedAt) throw new InvalidOperationException("the in-memory store wrote after its snapshot view opened");
        });
    }

    /// <summary>Every key's retained history in key order, read lazily <see cref="RangePageRowsMax"/> keys at a time
    /// on <paramref name="connection"/>; rows are verified against their checksums.</summary>
    internal static IEnumerable<KeyHistoryRecord> ExportOf(SqliteConnection connection)
    {
        using var firstKeys = SqliteFiles.Prepare(connection, $"SELECT key FROM mvcc_keys ORDER BY key LIMIT {RangePageRowsMax}");
        using var nextKeys = SqliteFiles.Prepare(connection, $"SELECT key FROM mvcc_keys WHERE key > $after ORDER BY key LIMIT {RangePageRowsMax}", "$after");
        using var history = SqliteFiles.Prepare(connection, "SELECT key, main, sub, kv, crc FROM mvcc_revisions WHERE key = $key ORDER BY main", "$key");
        byte[]? after = null;
        while (true)
        {
            var keys = KeyPage(after is null ? firstKeys : WithValue(nextKeys, after));
            foreach (var key in keys) yield return HistoryOf(WithValue(history, key), key);
            if (keys.Count < RangePageRowsMax) yield break;
            after = keys[^1];
        }
    }

    private static List<byte[]> KeyPage(SqliteCommand query)
    {
        var keys = new List<byte[]>(RangePageRowsMax);
        using var reader = query.ExecuteReader();
        while (reader.Read()) keys.Add((byte[])reader.GetValue(0));
        return keys;
    }

    private static KeyHistoryRecord HistoryOf(SqliteCommand query, byte[] key)
    {
        var record = new KeyHistoryRecord { Key = ByteString.CopyFrom(key) };
        using var reader = query.ExecuteReader();
        while (reader.Read())
        {
            var row = ReadRevision(reader);
            record.Revisions.Add(new RevisionRecord { Main = row.Main, Sub = row.Sub, Kv = row.Kv });
        }
        return record;
    }

    /// <summary>The stored leases on <paramref name="connection"/>, by id.</summary>
    internal static IReadOnlyList<LeaseRecord> LeasesOf(SqliteConnection connection)
    {
        var leases = new List<LeaseRecord>();
        using var query = SqliteFiles.Prepare(connection, "SELECT id, ttl, crc FROM mvcc_leases ORDER BY id");
        using var reader = query.ExecuteReader();
        while (reader.Read())
        {
            var (id, ttl) = (reader.GetInt64(0), reader.GetInt64(1));
            if (RecordChecksum.OfPair("lease", id, ttl) != reader.GetInt64(2)) throw Corrupt($"lease {id} fails its checksum");
            leases.Add(new LeaseRecord { ID = id, TTL = ttl });
        }
        return leases;
    }

    /// <summary>The stored sessions on <paramref name="connection"/>, by client id.</summary>
    internal static IReadOnlyList<SessionRecord> SessionsOf(SqliteConnection connection)
    {
        var sessions = new List<SessionRecord>();
        using var query = SqliteFiles.Prepare(connection, "SELECT client_id, record, crc FROM mvcc_sessions ORDER BY client_id");
        using var reader = query.ExecuteReader();
        while (reader.Read())
        {
            var bytes = (byte[])reader.GetValue(1);
            if (!RecordChecksum.Matches(bytes, reader.GetInt64(2))) throw Corrupt($"session {reader.GetInt64(0)} fails its checksum");
            var session = SessionRecord.Parser.ParseFrom(bytes);
            if ((long)session.ClientId != reader.GetInt64(0)) throw Corrupt($"session row {reader.GetInt64(0)} holds client {session.ClientId}");
            sessions.Add(session);
        }
        return sessions;
    }

    /// <summary>The stored alarms on <paramref name="connection"/>, by (member, type).</summary>
    internal static IReadOnlyList<AlarmMember> AlarmsOf(SqliteConnection connection)
    {
        var alarms = new List<AlarmMember>();
        using var query = SqliteFiles.Prepare(connection, "SELECT member, alarm, crc FROM mvcc_alarms ORDER BY member, alarm");
        using var reader = query.ExecuteReader();
        while (reader.Read())
        {
            var (member, alarm) = (reader.GetInt64(0), reader.GetInt64(1));
            if (RecordChecksum.OfPair("alarm", member, alarm) != reader.GetInt64(2)) throw Corrupt($"alarm {alarm} of member {member} fails its checksum");
            alarms.Add(new AlarmMember { MemberID = (ulong)member, Alarm = (AlarmType)alarm });
        }
        return alarms;
    }

    /// <summary>The meta row <paramref name="name"/> on <paramref name="connection"/>, verified; null when absent.</summary>
    internal static long? MetaOf(SqliteConnection connection, string name)
    {
        using var query = SqliteFiles.Prepare(connection, "SELECT value, crc FROM mvcc_meta WHERE name = $name", "$name");
        using var reader = WithValue(query, name).ExecuteReader();
        if (!reader.Read()) return null;
        var value = reader.GetInt64(0);
        if (RecordChecksum.OfPair(name, value) != reader.GetInt64(1)) throw Corrupt($"meta row {name} fails its checksum");
        return value;
    }

    /// <summary>Sets the single parameter of <paramref name="query"/>.</summary>
    private static SqliteCommand WithValue(SqliteCommand query, object value)
    {
        query.Parameters[0].Value = value;
        return query;
    }
}
