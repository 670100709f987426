using System.Buffers.Binary;
using System.Text;

namespace Cairn.Host.Snapshot;

/// <summary>
/// etcd 3.4's backend layout (mvcc/kvstore.go, mvcc/revision.go, lease/lessor.go, etcdserver/api/membership,
/// auth/store.go): the bucket names and how revisions, indexes and lease ids are encoded as bbolt keys.
/// </summary>
internal static class EtcdBackendLayout
{
    public static readonly byte[] Key = "key"u8.ToArray();
    public static readonly byte[] Meta = "meta"u8.ToArray();
    public static readonly byte[] Lease = "lease"u8.ToArray();
    public static readonly byte[] Alarm = "alarm"u8.ToArray();
    public static readonly byte[] Cluster = "cluster"u8.ToArray();
    public static readonly byte[] Members = "members"u8.ToArray();
    public static readonly byte[] MembersRemoved = "members_removed"u8.ToArray();
    public static readonly byte[] Auth = "auth"u8.ToArray();
    public static readonly byte[] AuthUsers = "authUsers"u8.ToArray();
    public static readonly byte[] AuthRoles = "authRoles"u8.ToArray();

    public static readonly byte[] ConsistentIndex = "consistent_index"u8.ToArray();
    public static readonly byte[] ScheduledCompactRev = "scheduledCompactRev"u8.ToArray();
    public static readonly byte[] FinishedCompactRev = "finishedCompactRev"u8.ToArray();
    public static readonly byte[] ClusterVersion = "clusterVersion"u8.ToArray();
    public static readonly byte[] AuthEnabled = "authEnabled"u8.ToArray();
    public static readonly byte[] AuthRevision = "authRevision"u8.ToArray();

    /// <summary>The cluster version a snapshot announces (the etcd storage version whose layout it has).</summary>
    public const string ClusterVersionValue = "3.4.0";

    /// <summary>A revision key: 8-byte big-endian main, '_', 8-byte big-endian sub.</summary>
    public const int RevisionBytes = 17;

    /// <summary>The mark after a tombstone's revision key.</summary>
    public const byte TombstoneMark = (byte)'t';

    /// <summary>The key of revision <paramref name="main"/>.<paramref name="sub"/>, with 't' for a deletion.</summary>
    public static byte[] RevisionKey(long main, long sub, bool tombstone)
    {
        byte[] key = new byte[RevisionBytes + (tombstone ? 1 : 0)];
        BinaryPrimitives.WriteInt64BigEndian(key, main);
        key[8] = (byte)'_';
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(9), sub);
        if (tombstone) key[RevisionBytes] = TombstoneMark;
        return key;
    }

    /// <summary>Decodes a revision key; throws <see cref="InvalidDataException"/> when it is not one.</summary>
    public static (long Main, long Sub, bool Tombstone) ParseRevisionKey(ReadOnlySpan<byte> key)
    {
        bool tombstone = key.Length == RevisionBytes + 1 && key[RevisionBytes] == TombstoneMark;
        if ((key.Length != RevisionBytes && !tombstone) || key[8] != (byte)'_')
            throw new InvalidDataException($"bucket \"key\" holds a key of {key.Length} bytes that is not a revision");
        return (BinaryPrimitives.ReadInt64BigEndian(key), BinaryPrimitives.ReadInt64BigEndian(key[9..]), tombstone);
    }

    /// <summary>An 8-byte big-endian number (consistent_index, lease ids, authRevision).</summary>
    public static byte[] BigEndian(long value)
    {
        byte[] bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>Reads an 8-byte big-endian number; throws <see cref="InvalidDataException"/> on another length.</summary>
    public static long ReadBigEndian(ReadOnlySpan<byte> bytes, string what) =>
        bytes.Length == 8 ? BinaryPrimitives.ReadInt64BigEndian(bytes) : throw new InvalidDataException($"{what} is {bytes.Length} bytes, not 8");

    /// <summary>A member's key in "members": its id in hex, without padding (etcd's types.ID.String()).</summary>
    public static byte[] MemberKey(ulong id) => Encoding.ASCII.GetBytes(id.ToString("x", System.Globalization.CultureInfo.InvariantCulture));
}
