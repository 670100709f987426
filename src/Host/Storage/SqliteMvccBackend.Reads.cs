using Cairn.Core.Kv;
using Cairn.Core.Kv.Wire;
using Google.Protobuf;
using Microsoft.Data.Sqlite;

namespace Cairn.Host.Storage;

public sealed partial class SqliteMvccBackend
{
    private const string LatestAt = """
        SELECT k.key, r.main, r.sub, r.kv, r.crc FROM mvcc_keys k
        JOIN mvcc_revisions r ON r.key = k.key
         AND r.main = (SELECT max(p.main) FROM mvcc_revisions p WHERE p.key = k.key AND p.main <= $0)
        """;

    /// <inheritdoc />
    public KeyValue? Get(ByteString key, long atRevision)
    {
        ArgumentNullException.ThrowIfNull(key);
        var command = Bind("SELECT key, main, sub, kv, crc FROM mvcc_revisions WHERE key = $0 AND main <= $1 ORDER BY main DESC LIMIT 1",
            key.ToByteArray(), atRevision);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadRevision(reader).Kv : null;
    }

    /// <inheritdoc />
    /// <remarks>Pages through the key index <see cref="RangePageRowsMax"/> keys at a time, so a caller that
    /// stops after n keys pays for O(n) rows, not for the whole range.</remarks>
    public IEnumerable<KeyValue> Range(KeyRange range, long atRevision)
    {
        if (range.IsSingleKey)
        {
            var kv = Get(range.Start, atRevision);
            if (kv is not null) yield return kv;
            yield break;
        }
        if (range.IsEmpty) yield break;
        byte[]? after = null;
        while (true)
        {
            var page = RangePage(range, atRevision, after);
            foreach (var row in page)
                if (row.Kv is not null) yield return row.Kv;
            if (page.Count < RangePageRowsMax) yield break;
            after = page[^1].Key;
        }
    }

    /// <inheritdoc />
    public IEnumerable<KeyValue> Range(KeyRange range, long atRevision, long limit, bool keysOnly)
    {
        IEnumerable<KeyValue> kvs = Range(range, atRevision);
        if (limit > 0) kvs = kvs.Take((int)Math.Min(limit, int.MaxValue));
        return keysOnly ? kvs.Select(MvccChange.WithoutValue) : kvs;
    }

    /// <inheritdoc />
    /// <remarks>One query: per key of the range, whether its latest revision at or below the read revision is
    /// live. No value leaves SQLite.</remarks>
    public long Count(KeyRange range, long atRevision)
    {
        if (range.IsSingleKey) return Get(range.Start, atRevision) is null ? 0 : 1;
        if (range.IsEmpty) return 0;
        if (atRevision == CurrentRevision + (_revisionBeingBuilt ? 1 : 0)) return CountLive(range);
        var upper = range.End is null ? "" : " AND k.key < $2";
        var sql = $"""
            SELECT count(*) FROM mvcc_keys k WHERE k.key >= $1{upper} AND (SELECT r.kv IS NOT NULL FROM mvcc_revisions r
              WHERE r.key = k.key AND r.main <= $0 ORDER BY r.main DESC LIMIT 1)
            """;
        var values = new List<object?> { atRevision, range.Start.ToByteArray() };
        if (range.End is not null) values.Add(range.End.ToByteArray());
        return (long)Bind(sql, values.ToArray()).ExecuteScalar()!;
    }

    /// <summary>The newest revision (the common case: a LIST): the keys of <c>mvcc_live</c> in the range, an index scan
    /// of keys alone instead of one lookup of the newest revision per key.</summary>
    private long CountLive(KeyRange range)
    {
        if (range.End is null) return (long)Bind("SELECT count(*) FROM mvcc_live WHERE key >= $0", range.Start.ToByteArray()).ExecuteScalar()!;
        return (long)Bind("SELECT count(*) FROM mvcc_live WHERE key >= $0 AND key < $1", range.Start.ToByteArray(), range.End.ToByteArray()).ExecuteScalar()!;
    }

    /// <inheritdoc />
    /// <remarks>Reads the revision index in (revision, sub) order and stops at the first revision boundary after
    /// <paramref name="eventsMax"/> events: a page costs O(page + skipped changes of other keys).</remarks>
    public IReadOnlyList<MvccChange> Changes(KeyRange range, long fromRevision, long toRevision, int eventsMax)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(eventsMax, 1);
        var rows = new List<RevisionRow>();
        using (var reader = Bind("SELECT key, main, sub, kv, crc FROM mvcc_revisions WHERE main BETWEEN $0 AND $1 ORDER BY main, sub",
                   fromRevision, toRevision).ExecuteReader())
        {
            while (reader.Read())
            {
                var row = ReadRevision(reader);
                if (rows.Count >= eventsMax && row.Main != rows[^1].Main) break;
                if (range.Contains(ByteString.CopyFrom(row.Key))) rows.Add(row);
            }
        }
        return rows.Select(row => new MvccChange(row.Main, row.Sub, ToEvent(row, Before(row.Key, row.Main)))).ToList();
    }

    private List<RevisionRow> RangePage(KeyRange range, long atRevision, byte[]? after)
    {
        var lower = after is null ? "k.key >= $1" : "k.key > $1";
        var upper = range.End is null ? "" : " AND k.key < $2";
        var sql = $"{LatestAt} WHERE {lower}{upper} ORDER BY k.key LIMIT {RangePageRowsMax}";
        var values = new List<object?> { atRevision, after ?? range.Start.ToByteArray() };
        if (range.End is not null) values.Add(range.End.ToByteArray());
        using var reader = Bind(sql, values.ToArray()).ExecuteReader();
        var rows = new List<RevisionRow>(RangePageRowsMax);
        while (reader.Read()) rows.Add(ReadRevision(reader));
        return rows;
    }

    /// <inheritdoc />
    public IReadOnlyList<MvccChange> Changes(KeyRange range, long fromRevision, long toRevision)
    {
        var rows = new List<RevisionRow>();
        using (var reader = Bind("SELECT key, main, sub, kv, crc FROM mvcc_revisions WHERE main BETWEEN $0 AND $1 ORDER BY main, sub",
                   fromRevision, toRevision).ExecuteReader())
        {
            while (reader.Read())
            {
                var row = ReadRevision(reader);
                if (range.Contains(ByteString.CopyFrom(row.Key))) rows.Add(row);
            }
        }
        return rows.Select(row => new MvccChange(row.Main, row.Sub, ToEvent(row, Before(row.Key, row.Main)))).ToList();
    }

    /// <summary>The value of the latest retained revision of <paramref name="key"/> below <paramref name="main"/>.</summary>
    private KeyValue? Before(byte[] key, long main)
    {
        using var reader = Bind("SELECT key, main, sub, kv, crc FROM mvcc_revisions WHERE key = $0 AND main < $1 ORDER BY main DESC LIMIT 1",
            key, main).ExecuteReader();
        return reader.Read() ? ReadRevision(reader).Kv : null;
    }

    /// <inheritdoc />
    /// <remarks>Pages through the key index <see cref="RangePageRowsMax"/> keys at a time (<see cref="ExportOf"/>,
    /// which a snapshot view reads too).</remarks>
    public IEnumerable<KeyHistoryRecord> Export() => ExportOf(_connection);

    /// <summary>Reads (key, main, sub, kv, crc) and verifies the checksum.</summary>
    private static RevisionRow ReadRevision(SqliteDataReader reader)
    {
        var key = (byte[])reader.GetValue(0);
        var main = reader.GetInt64(1);
        var sub = reader.GetInt32(2);
        var bytes = reader.IsDBNull(3) ? null : (byte[])reader.GetValue(3);
        if (RecordChecksum.OfRevision(key, main, sub, bytes) != reader.GetInt64(4))
            throw Corrupt($"revision {main} of key {Convert.ToHexString(key)} fails its checksum");
        KeyValue? kv = null;
        if (bytes is not null)
        {
            try
            {
                kv = KeyValue.Parser.ParseFrom(bytes);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw Corrupt($"revision {main} of key {Convert.ToHexString(key)} does not parse ({e.Message})");
            }
        }
        return new RevisionRow(key, main, sub, kv);
    }

    private static Event ToEvent(RevisionRow row, KeyValue? prev)
    {
        var ev = row.Kv is null
            ? new Event { Type = Event.Types.EventType.Delete, Kv = new KeyValue { Key = ByteString.CopyFrom(row.Key), ModRevision = row.Main } }
            : new Event { Type = Event.Types.EventType.Put, Kv = row.Kv };
        if (prev is not null) ev.PrevKv = prev;
        return ev;
    }

    private sealed record RevisionRow(byte[] Key, long Main, int Sub, KeyValue? Kv);
}
