using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;
using Google.Protobuf;
using Microsoft.Data.Sqlite;

namespace Cairn.Host.Storage;

/// <summary>
/// The Raft log's tables: <c>entries</c> (one row per entry) and <c>log_meta</c> (the hard state and the
/// snapshot). Every row holds the record's protobuf bytes and their CRC-32C. Applies one
/// <see cref="DiskWrite"/> inside the caller's transaction; never commits.
/// </summary>
internal sealed class LogTables : IDisposable
{
    internal const string Schema = """
        CREATE TABLE IF NOT EXISTS entries (
            idx    INTEGER PRIMARY KEY,
            term   INTEGER NOT NULL,
            record BLOB    NOT NULL,
            crc    INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS log_meta (
            name   TEXT    PRIMARY KEY,
            idx    INTEGER NOT NULL,
            term   INTEGER NOT NULL,
            record BLOB    NOT NULL,
            crc    INTEGER NOT NULL) WITHOUT ROWID;
        """;

    internal const string HardStateRow = "hard_state";
    internal const string SnapshotRow = "snapshot";

    private readonly SqliteCommand _insertEntry;
    private readonly SqliteCommand _truncateFrom;
    private readonly SqliteCommand _lastIndex;
    private readonly SqliteCommand _termAt;
    private readonly SqliteCommand _putMeta;
    private readonly SqliteCommand _snapshotIndex;
    private readonly SqliteCommand _dropThrough;
    private readonly SqliteCommand _dropAll;

    internal LogTables(SqliteConnection connection)
    {
        SqliteFiles.Execute(connection, Schema);
        _insertEntry = SqliteFiles.Prepare(connection, "INSERT INTO entries (idx, term, record, crc) VALUES ($i, $t, $r, $c)", "$i", "$t", "$r", "$c");
        _truncateFrom = SqliteFiles.Prepare(connection, "DELETE FROM entries WHERE idx >= $i", "$i");
        _lastIndex = SqliteFiles.Prepare(connection, "SELECT max(idx) FROM entries");
        _termAt = SqliteFiles.Prepare(connection, "SELECT term FROM entries WHERE idx = $i", "$i");
        _putMeta = SqliteFiles.Prepare(connection, "INSERT OR REPLACE INTO log_meta (name, idx, term, record, crc) VALUES ($n, $i, $t, $r, $c)", "$n", "$i", "$t", "$r", "$c");
        _snapshotIndex = SqliteFiles.Prepare(connection, $"SELECT idx FROM log_meta WHERE name = '{SnapshotRow}'");
        _dropThrough = SqliteFiles.Prepare(connection, "DELETE FROM entries WHERE idx <= $i", "$i");
        _dropAll = SqliteFiles.Prepare(connection, "DELETE FROM entries");
    }

    /// <summary>Applies <paramref name="write"/> as <see cref="DiskWrite"/> defines it: snapshot, truncate and
    /// append, hard state. A write that cannot follow the stored log is refused before anything is changed
    /// by it would make the disk unloadable.</summary>
    internal void Apply(DiskWrite write)
    {
        if (write.Snapshot is not null) ApplySnapshot(write.Snapshot);
        if (write.Entries.Count > 0) Append(write.Entries);
        if (write.HardState is not null) PutMeta(HardStateRow, 0, 0, write.HardState.ToByteArray());
    }

    private void Append(IReadOnlyList<Entry> entries)
    {
        var first = entries[0].Index;
        var baseIndex = SnapshotIndex();
        var last = Math.Max(baseIndex, LastIndex());
        if (first <= baseIndex || first > last + 1)
            throw new InvalidOperationException($"log write starts at {first} after a log ({baseIndex}, {last}]");
        for (var i = 1; i < entries.Count; i++)
            if (entries[i].Index != first + (ulong)i)
                throw new InvalidOperationException($"log write is not contiguous at position {i}");
        if (first <= last)
        {
            _truncateFrom.Parameters[0].Value = (long)first;
            _truncateFrom.ExecuteNonQuery();
        }
        foreach (var entry in entries)
        {
            var bytes = entry.ToByteArray();
            _insertEntry.Parameters[0].Value = (long)entry.Index;
            _insertEntry.Parameters[1].Value = (long)entry.Term;
            _insertEntry.Parameters[2].Value = bytes;
            _insertEntry.Parameters[3].Value = RecordChecksum.Of(bytes);
            _insertEntry.ExecuteNonQuery();
        }
    }

    /// <summary>Raft §7 on disk, as <c>SimDisk</c> does it: a compaction keeps the suffix after the snapshot when
    /// the stored entry there has the snapshot's term; an install (<c>replace_log</c>) drops every entry; an older
    /// compaction than the stored snapshot is superseded and ignored.</summary>
    private void ApplySnapshot(SnapshotRecord snapshot)
    {
        if (snapshot.Index == 0 || snapshot.Term == 0) throw new InvalidOperationException("snapshot without index or term");
        if (!snapshot.ReplaceLog && snapshot.Index <= SnapshotIndex()) return;
        _termAt.Parameters[0].Value = (long)snapshot.Index;
        var term = _termAt.ExecuteScalar();
        if (!snapshot.ReplaceLog && term is long t && (ulong)t == snapshot.Term)
        {
            _dropThrough.Parameters[0].Value = (long)snapshot.Index;
            _dropThrough.ExecuteNonQuery();
        }
        else
        {
            _dropAll.ExecuteNonQuery();
        }
        PutMeta(SnapshotRow, (long)snapshot.Index, (long)snapshot.Term, snapshot.ToByteArray());
    }

    private void PutMeta(string name, long index, long term, byte[] bytes)
    {
        _putMeta.Parameters[0].Value = name;
        _putMeta.Parameters[1].Value = index;
        _putMeta.Parameters[2].Value = term;
        _putMeta.Parameters[3].Value = bytes;
        _putMeta.Parameters[4].Value = RecordChecksum.Of(bytes);
        _putMeta.ExecuteNonQuery();
    }

    private ulong SnapshotIndex() => _snapshotIndex.ExecuteScalar() is long i ? (ulong)i : 0;

    private ulong LastIndex() => _lastIndex.ExecuteScalar() is long i ? (ulong)i : 0;

    public void Dispose()
    {
        foreach (var command in new[] { _insertEntry, _truncateFrom, _lastIndex, _termAt, _putMeta, _snapshotIndex, _dropThrough, _dropAll })
            command.Dispose();
    }
}
