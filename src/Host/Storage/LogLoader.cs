using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;
using Google.Protobuf;
using Microsoft.Data.Sqlite;

namespace Cairn.Host.Storage;

/// <summary>
/// Reads the Raft log's tables back into a <see cref="DurableState"/>, verifying every record's CRC-32C and
/// that the rows agree with what they hold. SQLite's WAL makes commits atomic, so there is no torn tail to
/// forgive: any mismatch is corruption and the load throws <see cref="InvalidDataException"/>.
/// </summary>
internal static class LogLoader
{
    internal static DurableState Load(SqliteConnection connection)
    {
        SqliteFiles.Execute(connection, "BEGIN"); // one read snapshot for all tables
        try
        {
            return LoadInTransaction(connection);
        }
        catch (SqliteException e) when (SqliteFiles.IsCorrupt(e))
        {
            throw Corrupt($"SQLite reports a damaged database ({e.Message})");
        }
        finally
        {
            SqliteFiles.Execute(connection, "ROLLBACK");
        }
    }

    private static DurableState LoadInTransaction(SqliteConnection connection)
    {
        var hardState = ReadMeta(connection, LogTables.HardStateRow, HardState.Parser, out _, out _);
        var snapshot = ReadMeta(connection, LogTables.SnapshotRow, SnapshotRecord.Parser, out var index, out var term);
        if (snapshot is not null && (snapshot.Index != (ulong)index || snapshot.Term != (ulong)term))
            throw Corrupt($"snapshot row ({index}, {term}) holds a snapshot at ({snapshot.Index}, {snapshot.Term})");
        var entries = ReadEntries(connection, snapshot?.Index ?? 0);
        return new DurableState(hardState, entries, snapshot);
    }

    private static T? ReadMeta<T>(SqliteConnection connection, string name, MessageParser<T> parser, out long index, out long term)
        where T : class, IMessage<T>
    {
        using var command = SqliteFiles.Prepare(connection, "SELECT idx, term, record, crc FROM log_meta WHERE name = $n", "$n");
        command.Parameters[0].Value = name;
        using var reader = command.ExecuteReader();
        index = term = 0;
        if (!reader.Read()) return null;
        index = reader.GetInt64(0);
        term = reader.GetInt64(1);
        var bytes = (byte[])reader.GetValue(2);
        if (!RecordChecksum.Matches(bytes, reader.GetInt64(3))) throw Corrupt($"the {name} record fails its checksum");
        return Parse(parser, bytes, name);
    }

    private static List<Entry> ReadEntries(SqliteConnection connection, ulong baseIndex)
    {
        var entries = new List<Entry>();
        using var command = SqliteFiles.Prepare(connection, "SELECT idx, term, record, crc FROM entries ORDER BY idx");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var index = (ulong)reader.GetInt64(0);
            var bytes = (byte[])reader.GetValue(2);
            if (!RecordChecksum.Matches(bytes, reader.GetInt64(3))) throw Corrupt($"entry {index} fails its checksum");
            var entry = Parse(Entry.Parser, bytes, $"entry {index}");
            var expected = baseIndex + (ulong)entries.Count + 1;
            if (entry.Index != index || entry.Term != (ulong)reader.GetInt64(1))
                throw Corrupt($"entry row {index} holds entry ({entry.Index}, {entry.Term})");
            if (index != expected) throw Corrupt($"entry {index} found where {expected} was expected");
            entries.Add(entry);
        }
        return entries;
    }

    private static T Parse<T>(MessageParser<T> parser, byte[] bytes, string what) where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw Corrupt($"the {what} record does not parse ({e.Message})");
        }
    }

    internal static InvalidDataException Corrupt(string what) =>
        new($"log disk corrupt: {what}; refusing to start");
}
