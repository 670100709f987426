using Cairn.Core.Kv.Wire;
using Google.Protobuf;

namespace Cairn.Core.Kv;

/// <summary>A deterministic fingerprint of the whole replicated state, for replica agreement checks.</summary>
public sealed partial class KvStateMachine
{
    /// <summary>
    /// A 64-bit FNV-1a hash of everything replicas must agree on after applying the same log prefix:
    /// the current and compact revisions, every key's retained history (every revision with its value,
    /// versions and lease), every lease with its granted TTL and attached keys, the last picked lease id,
    /// and every exactly-once session (sequence, cached reply, last index). Fields are visited in sorted
    /// order and length-prefixed; no runtime hash codes are used, so the value is the same in every process.
    /// Cost is linear in the retained state: call it at sampled indexes, not after every apply.
    /// </summary>
    /// <returns>The fingerprint.</returns>
    public ulong StateDigest()
    {
        var hash = new StateHasher();
        hash.Add(_store.Backend.CurrentRevision);
        long compact = _store.Backend.CompactRevision;
        hash.Add(compact);
        foreach (KeyHistoryRecord key in _store.Backend.Export())
        {
            // Compaction runs in slices between inputs, so replicas at one applied index may have dropped
            // different amounts of history below the compact revision: hash only what reads can observe.
            int first = ObservableFrom(key, compact);
            if (first >= key.Revisions.Count) continue;
            hash.Add(key.Key);
            hash.Add(key.Revisions.Count - first);
            for (int i = first; i < key.Revisions.Count; i++)
            {
                RevisionRecord revision = key.Revisions[i];
                hash.Add(revision.Main);
                hash.Add(revision.Sub);
                AddKeyValue(ref hash, revision.Kv);
            }
        }
        hash.Add(_store.Leases.LastPickedId);
        hash.Add(_store.Leases.Count);
        foreach (LeaseTable.Lease lease in _store.Leases.All)
        {
            hash.Add(lease.Id);
            hash.Add(lease.TtlSeconds);
            hash.Add(lease.Keys.Count);
            foreach (ByteString key in lease.Keys)
            {
                hash.Add(key);
            }
        }
        hash.Add(_sessions.Count);
        foreach (SessionRecord session in _sessions.Export())
        {
            hash.Add((long)session.ClientId);
            hash.Add((long)session.LastSequence);
            hash.Add((long)session.LastIndex);
            hash.Add(session.LastReply);
        }
        return hash.Value;
    }

    /// <summary>The first revision of <paramref name="key"/> a read can still observe after compaction at
    /// <paramref name="compact"/>: the newest one at or below it (unless a tombstone), and every later one.</summary>
    private static int ObservableFrom(KeyHistoryRecord key, long compact)
    {
        int newestCompacted = -1;
        for (int i = 0; i < key.Revisions.Count && key.Revisions[i].Main <= compact; i++) newestCompacted = i;
        if (newestCompacted < 0) return 0;
        return key.Revisions[newestCompacted].Kv is null ? newestCompacted + 1 : newestCompacted;
    }

    private static void AddKeyValue(ref StateHasher hash, KeyValue? kv)
    {
        if (kv is null)
        {
            hash.Add(-1L); // tombstone
            return;
        }
        hash.Add(kv.Key);
        hash.Add(kv.CreateRevision);
        hash.Add(kv.ModRevision);
        hash.Add(kv.Version);
        hash.Add(kv.Value);
        hash.Add(kv.Lease);
    }

    /// <summary>FNV-1a over 64 bits, fed little-endian integers and length-prefixed byte strings.</summary>
    private struct StateHasher
    {
        private const ulong Offset = 14695981039346656037UL;
        private const ulong Prime = 1099511628211UL;
        private ulong _value;
        private bool _started;

        public readonly ulong Value => _started ? _value : Offset;

        public void Add(long number)
        {
            if (!_started)
            {
                _value = Offset;
                _started = true;
            }
            ulong bits = (ulong)number;
            for (int i = 0; i < 8; i++)
            {
                _value = (_value ^ (bits & 0xFF)) * Prime;
                bits >>= 8;
            }
        }

        public void Add(ByteString bytes)
        {
            Add(bytes.Length);
            foreach (byte b in bytes.Span)
            {
                _value = (_value ^ b) * Prime;
            }
        }
    }
}
