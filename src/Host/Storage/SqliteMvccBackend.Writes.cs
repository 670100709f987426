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
    }

    private void InsertRevision(byte[] key, long main, int sub, byte[]? kv)
    {
        Bind("INSERT OR IGNORE INTO mvcc_keys (key) VALUES ($0)", key).ExecuteNonQuery();
        Bind("INSERT INTO mvcc_revisions (key, main, sub, kv, crc) VALUES ($0, $1, $2, $3, $4)",
            key, main, sub, kv, RecordChecksum.OfRevision(key, main, sub, kv)).ExecuteNonQuery();
    }

    /// <inheritdoc />
    public void Commit()
    {
        EnsureTransaction();
        WriteMeta(MvccSchema.CurrentRevision, CurrentRevision + 1);
        CurrentRevision++;
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
            DELETE FROM mvcc_revisions WHERE main <= $0 AND (kv IS NULL OR main <
                (SELECT max(p.main) FROM mvcc_revisions p WHERE p.key = mvcc_revisions.key AND p.main <= $0))
            """, revision).ExecuteNonQuery();
        Bind("DELETE FROM mvcc_keys WHERE NOT EXISTS (SELECT 1 FROM mvcc_revisions r WHERE r.key = mvcc_keys.key)").ExecuteNonQuery();
        WriteMeta(MvccSchema.CompactRevision, revision);
        CompactRevision = revision;
        CommitUnlessBatched();
    }

    /// <inheritdoc />
    public void Import(long currentRevision, long compactRevision, IEnumerable<KeyHistoryRecord> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        EnsureTransaction();
        Bind("DELETE FROM mvcc_revisions").ExecuteNonQuery();
        Bind("DELETE FROM mvcc_keys").ExecuteNonQuery();
        foreach (var record in keys)
        {
            var key = record.Key.ToByteArray();
            foreach (var revision in record.Revisions)
                InsertRevision(key, revision.Main, revision.Sub, revision.Kv?.ToByteArray());
        }
        WriteMeta(MvccSchema.CurrentRevision, currentRevision);
        WriteMeta(MvccSchema.CompactRevision, compactRevision);
        CurrentRevision = currentRevision;
        CompactRevision = compactRevision;
        CommitUnlessBatched();
    }
}
