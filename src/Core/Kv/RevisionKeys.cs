using System.Buffers.Binary;

namespace Cairn.Core.Kv;

/// <summary>etcd's backend key for a revision (mvcc revToBytes): the 8-byte big-endian main revision, '_', the
/// 8-byte big-endian sub revision, and a trailing 't' on a tombstone. Keys sort as revisions.</summary>
internal static class RevisionKeys
{
    public const int Bytes = 17;

    public static byte[] Of(long main, long sub, bool tombstone)
    {
        byte[] key = new byte[tombstone ? Bytes + 1 : Bytes];
        BinaryPrimitives.WriteInt64BigEndian(key, main);
        key[8] = (byte)'_';
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(9), sub);
        if (tombstone) key[Bytes] = (byte)'t';
        return key;
    }
}
