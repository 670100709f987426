using System.Text;
using Cairn.Core.Kv.Wire;
using Cairn.Core.Wire;
using Google.Protobuf;

namespace Cairn.Core.Kv;

/// <summary>A HashKV answer: the hash, the revision it covers and the compact revision, or the refusal.</summary>
public readonly record struct KvHash(uint Hash, long Revision, long CompactRevision, KvError? Error);

public sealed partial class KvStateMachine
{
    private static readonly byte[] KeyBucketName = Encoding.ASCII.GetBytes("key");

    /// <summary>
    /// etcd 3.4's HashKV (mvcc <c>HashByRev</c>): CRC-32C of the bucket name "key" and then, in revision order, each
    /// revision at or below the hash revision as etcd's backend stores it — its revision key
    /// (<see cref="RevisionKeys"/>) and its mvccpb.KeyValue (a tombstone: the key alone). Revisions above the
    /// compact revision all count. At or below it, etcd 3.4 counts only what its index keeps at the <em>hash</em>
    /// revision (<c>kvindex.Keep(rev)</c>): each key's revision visible there, unless that is a tombstone; when no
    /// key has one it counts every revision compaction left. So the value equals etcd 3.4.23's for the same
    /// history, and every member agrees however far its compaction slices got. Revision 0 is the current one; at
    /// or below the compact revision is refused as compacted, as etcd does.
    /// </summary>
    public KvHash HashKv(long revision) =>
        HashOf(revision, _store.Backend.CurrentRevision, _store.Backend.CompactRevision, _store.Backend.Export());

    /// <summary>
    /// <see cref="HashKv"/> to be computed off the event loop: over a view of the durable store's last committed batch
    /// when the store offers one and the view holds everything applied that the answer depends on (the compaction, and
    /// the revision asked for, or for revision 0 the current one), else computed now. Call the result once, on any
    /// thread; it releases the view.
    /// </summary>
    public Func<KvHash> PrepareHashKv(long revision)
    {
        if (HasDurableStore && _store.Backend.OpenSnapshotView() is { } view)
        {
            long live = _store.Backend.CurrentRevision;
            bool behind = view.CompactRevision != _store.Backend.CompactRevision
                || (revision == 0 ? view.CurrentRevision != live : revision > view.CurrentRevision);
            if (behind)
            {
                // What was applied last (a write, a compaction) is not committed to the store yet (its batch commits
                // within AppliedPersistTicks): the view would answer from before it, so it is hashed now, as etcd would.
                view.Dispose();
                KvHash current = HashKv(revision);
                return () => current;
            }
            return () =>
            {
                using (view) return HashOf(revision, view.CurrentRevision, view.CompactRevision, view.Export());
            };
        }
        KvHash now = HashKv(revision);
        return () => now;
    }

    private static KvHash HashOf(long revision, long current, long compact, IEnumerable<KeyHistoryRecord> export)
    {
        if (revision > 0 && revision <= compact)
        {
            return Refused(KvErrorCode.Compacted, $"mvcc: required revision {revision} has been compacted", compact);
        }
        if (revision > current)
        {
            return Refused(KvErrorCode.FutureRevision, $"mvcc: required revision {revision} is a future revision", compact);
        }
        long upTo = revision > 0 ? revision : current;
        List<KeyHistoryRecord> keys = export.ToList();
        bool anyVisible = keys.Any(k => VisibleAt(k, upTo) >= 0);
        var records = new List<(long Main, int Sub, byte[] Key, byte[] Value)>();
        foreach (KeyHistoryRecord key in keys)
        {
            int visible = VisibleAt(key, upTo);
            for (int i = ObservableFrom(key, compact); i < key.Revisions.Count && key.Revisions[i].Main <= upTo; i++)
            {
                RevisionRecord r = key.Revisions[i];
                if (r.Main <= compact && anyVisible && i != visible) continue;
                byte[] value = (r.Kv ?? new KeyValue { Key = key.Key }).ToByteArray();
                records.Add((r.Main, r.Sub, RevisionKeys.Of(r.Main, r.Sub, tombstone: r.Kv is null), value));
            }
        }
        uint crc = Crc32C.Compute(KeyBucketName);
        foreach ((_, _, byte[] k, byte[] v) in records.OrderBy(r => r.Main).ThenBy(r => r.Sub))
        {
            crc = Crc32C.Append(Crc32C.Append(crc, k), v);
        }
        return new KvHash(crc, upTo, compact, null);
    }

    /// <summary>The index of <paramref name="key"/>'s revision visible at <paramref name="revision"/> (its newest
    /// one at or below it), or -1 when there is none or it is a tombstone.</summary>
    private static int VisibleAt(KeyHistoryRecord key, long revision)
    {
        int newest = -1;
        for (int i = 0; i < key.Revisions.Count && key.Revisions[i].Main <= revision; i++) newest = i;
        return newest >= 0 && key.Revisions[newest].Kv is not null ? newest : -1;
    }

    private static KvHash Refused(KvErrorCode code, string message, long compact) =>
        new(0, 0, compact, new KvError { Code = code, Message = message });
}
