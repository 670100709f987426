using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Cairn.Core.Kv;
using Cairn.Core.Kv.Wire;
using Google.Protobuf;

namespace Cairn.Host.Api;

/// <summary>
/// The snapshot file clients save (<c>etcdctl snapshot save</c>): a bbolt database laid out as etcd's backend
/// (<see cref="BoltFile"/>) followed by the SHA-256 of it, exactly as etcd streams its snapshot. Buckets:
/// <c>key</c> (every retained revision: 17-byte revision keys, 18 with etcd's tombstone mark, mvccpb.KeyValue
/// values), <c>lease</c> (leasepb.Lease by big-endian id), <c>meta</c> (<c>consistent_index</c> = applied index,
/// the compacted revision), <c>alarm</c>, etcd's empty auth and membership buckets, and <c>cairn</c>: the Core's
/// whole <see cref="KvSnapshot"/> (sessions included) in 64 KiB pieces, which <see cref="Decode"/> returns.
/// So <c>etcdctl snapshot status</c> reads it (revision, key count, hash) as it reads etcd's.
/// </summary>
internal static class SnapshotFile
{
    public const int BlockBytes = 512;
    private const int PieceBytes = 64 * 1024;
    private static readonly byte[] CairnBucket = Encoding.ASCII.GetBytes("cairn");

    private static readonly string[] EmptyEtcdBuckets = ["auth", "authRoles", "authUsers", "cluster", "members", "members_removed"];

    public static byte[] Encode(byte[] state)
    {
        KvSnapshot snapshot = KvSnapshot.Parser.ParseFrom(state);
        var buckets = new List<(byte[] Name, IReadOnlyList<BoltItem> Items)>
        {
            (Encoding.ASCII.GetBytes("key"), Revisions(snapshot)),
            (Encoding.ASCII.GetBytes("lease"), snapshot.Leases.Select(l => new BoltItem(BigEndian(l.ID), l.ToByteArray()))
                .OrderBy(i => i.Key, BoltFile.ByteOrder.Instance).ToList()),
            (Encoding.ASCII.GetBytes("meta"), Meta(snapshot)),
            (Encoding.ASCII.GetBytes("alarm"), snapshot.Alarms.Select(a => new BoltItem(a.ToByteArray(), []))
                .OrderBy(i => i.Key, BoltFile.ByteOrder.Instance).ToList()),
            (CairnBucket, Pieces(state)),
        };
        buckets.AddRange(EmptyEtcdBuckets.Select(name => (Encoding.ASCII.GetBytes(name), (IReadOnlyList<BoltItem>)[])));
        byte[] database = BoltFile.Write(buckets);
        byte[] file = new byte[database.Length + SHA256.HashSizeInBytes];
        database.CopyTo(file, 0);
        SHA256.HashData(database, file.AsSpan(database.Length));
        return file;
    }

    /// <summary>The KV state inside a snapshot file; throws <see cref="InvalidDataException"/> when the hash or layout is wrong.</summary>
    public static byte[] Decode(byte[] file)
    {
        if (file.Length % BlockBytes != SHA256.HashSizeInBytes)
        {
            throw new InvalidDataException("not a snapshot file (size is not 512·n + 32)");
        }
        int database = file.Length - SHA256.HashSizeInBytes;
        if (!SHA256.HashData(file.AsSpan(0, database)).AsSpan().SequenceEqual(file.AsSpan(database)))
        {
            throw new InvalidDataException("snapshot file fails its SHA-256");
        }
        using var state = new MemoryStream();
        foreach (BoltItem piece in BoltFile.ReadBucket(file[..database], CairnBucket)) state.Write(piece.Value);
        return state.ToArray();
    }

    private static List<BoltItem> Revisions(KvSnapshot snapshot)
    {
        var revisions = new List<(long Main, int Sub, BoltItem Item)>();
        foreach (KeyHistoryRecord key in snapshot.Keys)
        {
            foreach (RevisionRecord revision in key.Revisions)
            {
                bool tombstone = revision.Kv is null;
                byte[] value = (revision.Kv ?? new KeyValue { Key = key.Key }).ToByteArray();
                revisions.Add((revision.Main, revision.Sub, new BoltItem(RevisionKeys.Of(revision.Main, revision.Sub, tombstone), value)));
            }
        }
        return revisions.OrderBy(r => r.Main).ThenBy(r => r.Sub).Select(r => r.Item).ToList();
    }

    private static List<BoltItem> Meta(KvSnapshot snapshot)
    {
        var items = new List<BoltItem> { new(Encoding.ASCII.GetBytes("consistent_index"), BigEndian((long)snapshot.AppliedIndex)) };
        if (snapshot.CompactRevision > 0)
        {
            byte[] compacted = RevisionKeys.Of(snapshot.CompactRevision, 0, tombstone: false);
            items.Add(new BoltItem(Encoding.ASCII.GetBytes("finishedCompactRev"), compacted));
            items.Add(new BoltItem(Encoding.ASCII.GetBytes("scheduledCompactRev"), compacted));
        }
        return items.OrderBy(i => i.Key, BoltFile.ByteOrder.Instance).ToList();
    }

    private static List<BoltItem> Pieces(byte[] state)
    {
        var pieces = new List<BoltItem>();
        for (int offset = 0, index = 0; offset < state.Length || index == 0; offset += PieceBytes, index++)
        {
            pieces.Add(new BoltItem(BigEndian(index), state.AsSpan(offset, Math.Min(PieceBytes, state.Length - offset)).ToArray()));
        }
        return pieces;
    }

    private static byte[] BigEndian(long value)
    {
        byte[] bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }
}
