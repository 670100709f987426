using Cairn.Core.Kv.Wire;
using Google.Protobuf;

namespace Cairn.Host.Storage;

public sealed partial class SqliteMvccBackend
{
    /// <inheritdoc />
    public void Write(ByteString key, int sub, KeyValue? kv)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (kv is not null && (kv.ModRevision != CurrentRevision + 1 || !kv.Key.Equals(key)))
            throw new ArgumentException($"a put at revision {CurrentRevision + 1} carries mod_revision {kv.ModRevision}", nameof(kv));
        EnsureTransaction();
        InsertRevision(key.ToByteArray(), CurrentRevision + 1, sub, kv?.ToByteArray());
        _revisionBeingBuilt = true;
    }

    /// <summary>A write of revision <see cref="CurrentRevision"/> + 1 is in the store (its <see cref="Commit"/> to come):
    /// <c>mvcc_live</c> then holds the keys live at that revision.</summary>
    private bool _revisionBeingBuilt;

    private void InsertRevision(byte[] key, long main, int sub, byte[]? kv)
    {
        Bind("INSERT OR IGNORE INTO mvcc_keys (key) VALUES ($0)", key).ExecuteNonQuery();
        // Revisions of a key arrive oldest first (a write is the newest; an import is in order), so the last one decides.
        Bind(kv is null ? "DELETE FROM mvcc_live WHERE key = $0" : "INSERT OR IGNORE INTO mvcc_live (key) VALUES ($0)", key).ExecuteNonQuery();
        Bind("INSERT INTO mvcc_revisions (key, main, sub, kv, crc) VALUES ($0, $1, $2, $3, $4)",
            key, main, sub, kv, RecordChecksum.OfRevision(key, main, sub, kv)).ExecuteNonQuery();
    }

    /// <inheritdoc />
    public void Commit()
    {
        EnsureTransaction();
        WriteMeta(MvccSchema.CurrentRevision, CurrentRevision + 1);
        CurrentRevision++;
        _revisionBeingBuilt = false;
        CommitUnlessBatched();
    }

    /// <inheritdoc />
    /// <remarks>One pass over the revisions at or below <paramref name="revision"/>; slicing it between inputs
    /// (issue 8 §2) is not done yet.</remarks>
    public void Compact(long revision)
    {
        if (revision <= CompactRevision || revision > CurrentRevision)
            throw new ArgumentOutOfRangeException(nameof(revision), $"compaction to {revision} outside ({CompactRevision}, {CurrentRevision}]");
        EnsureTransaction();
        Bind("""
            DELETE FROM mvcc_revisions WHERE main <= $0 AND ((kv IS NULL AND main < $0) OR main <
                (SELECT max(p.main) FROM mvcc_revisions p WHERE p.key = mvcc_revisions.key AND p.main <= $0))
            """, revision).ExecuteNonQuery();
        Bind("DELETE FROM mvcc_keys WHERE NOT EXISTS (SELECT 1 FROM mvcc_revisions r WHERE r.key = mvcc_keys.key)").ExecuteNonQuery();
        WriteMeta(MvccSchema.CompactRevision, revision);
        WriteMeta(MvccSchema.CompactingTo, 0);
        CompactRevision = revision;
        _compactingTo = 0;
        _compactedThrough = null;
        CommitUnlessBatched();
    }

    /// <summary>The revision a sliced compaction is dropping revisions up to (stored in the meta, so a restart
    /// resumes it); 0 when none is pending.</summary>
    private long _compactingTo;

    /// <summary>The last key the sliced compaction finished (memory only); null to start at the first key.</summary>
    private byte[]? _compactedThrough;

    /// <inheritdoc />
    public void BeginCompact(long revision)
    {
        if (revision <= CompactRevision || revision > CurrentRevision)
            throw new ArgumentOutOfRangeException(nameof(revision), $"compaction to {revision} outside ({CompactRevision}, {CurrentRevision}]");
        EnsureTransaction();
        WriteMeta(MvccSchema.CompactRevision, revision);
        WriteMeta(MvccSchema.CompactingTo, revision);
        CompactRevision = revision;
        _compactingTo = revision;
        _compactedThrough = null;
        CommitUnlessBatched();
    }

    /// <inheritdoc />
    /// <remarks>One keyset page of <c>mvcc_keys</c> after the last slice, then the compaction's <c>DELETE</c>
    /// restricted to those keys: a slice costs O(<paramref name="keysMax"/> keys and their revisions).</remarks>
    public bool CompactSlice(int keysMax)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keysMax, 1);
        if (_compactingTo == 0) return true;
        EnsureTransaction();
        var keys = new List<byte[]>();
        var sql = _compactedThrough is null ? "SELECT key FROM mvcc_keys ORDER BY key LIMIT $0" : "SELECT key FROM mvcc_keys WHERE key > $1 ORDER BY key LIMIT $0";
        using (var reader = (_compactedThrough is null ? Bind(sql, keysMax) : Bind(sql, keysMax, _compactedThrough)).ExecuteReader())
            while (reader.Read()) keys.Add((byte[])reader.GetValue(0));
        if (keys.Count > 0)
        {
            var lower = _compactedThrough is null ? "" : "key > $2 AND ";
            var values = new List<object?> { _compactingTo, keys[^1] };
            if (_compactedThrough is not null) values.Add(_compactedThrough);
            Bind($"""
                DELETE FROM mvcc_revisions WHERE {lower}key <= $1 AND main <= $0 AND ((kv IS NULL AND main < $0) OR main <
                    (SELECT max(p.main) FROM mvcc_revisions p WHERE p.key = mvcc_revisions.key AND p.main <= $0))
                """, values.ToArray()).ExecuteNonQuery();
            var emptied = $"DELETE FROM mvcc_keys WHERE {(_compactedThrough is null ? "" : "key > $1 AND ")}key <= $0 AND NOT EXISTS (SELECT 1 FROM mvcc_revisions r WHERE r.key = mvcc_keys.key)";
            (_compactedThrough is null ? Bind(emptied, keys[^1]) : Bind(emptied, keys[^1], _compactedThrough)).ExecuteNonQuery();
        }
        var done = keys.Count < keysMax;
        _compactedThrough = done ? null : keys[^1];
        if (done)
        {
            WriteMeta(MvccSchema.CompactingTo, 0);
            _compactingTo = 0;
        }
        CommitUnlessBatched();
        return done;
    }

    /// <inheritdoc />
    public void Import(long currentRevision, long compactRevision, IEnumerable<KeyHistoryRecord> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        EnsureTransaction();
        Bind("DELETE FROM mvcc_revisions").ExecuteNonQuery();
        Bind("DELETE FROM mvcc_keys").ExecuteNonQuery();
        Bind("DELETE FROM mvcc_live").ExecuteNonQuery();
        _revisionBeingBuilt = false;
        foreach (var record in keys)
        {
            var key = record.Key.ToByteArray();
            foreach (var revision in record.Revisions)
                InsertRevision(key, revision.Main, revision.Sub, revision.Kv?.ToByteArray());
        }
        WriteMeta(MvccSchema.CurrentRevision, currentRevision);
        WriteMeta(MvccSchema.CompactRevision, compactRevision);
        WriteMeta(MvccSchema.CompactingTo, 0);
        _compactingTo = 0;
        _compactedThrough = null;
        CurrentRevision = currentRevision;
        CompactRevision = compactRevision;
        CommitUnlessBatched();
    }
}
