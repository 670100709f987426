using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Cairn.Host.Api;

/// <summary>
/// The snapshot file clients save (etcdctl snapshot save): <c>[u64 length][KvSnapshot][zero padding to a
/// multiple of 512 bytes][SHA-256 of everything before it]</c>. etcd's tools check exactly this shape: the
/// size is 32 bytes past a multiple of 512 and the last 32 bytes are the SHA-256 of the rest.
/// </summary>
internal static class SnapshotFile
{
    public const int BlockBytes = 512;

    public static byte[] Encode(byte[] state)
    {
        int body = 8 + state.Length;
        int padded = (body + BlockBytes - 1) / BlockBytes * BlockBytes;
        byte[] file = new byte[padded + SHA256.HashSizeInBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)state.Length);
        state.CopyTo(file, 8);
        SHA256.HashData(file.AsSpan(0, padded), file.AsSpan(padded));
        return file;
    }

    /// <summary>The KV state inside a snapshot file; throws <see cref="InvalidDataException"/> when the hash or layout is wrong.</summary>
    public static byte[] Decode(byte[] file)
    {
        if (file.Length < BlockBytes + SHA256.HashSizeInBytes || file.Length % BlockBytes != SHA256.HashSizeInBytes)
        {
            throw new InvalidDataException("not a cairn snapshot file (size is not 512·n + 32)");
        }
        int padded = file.Length - SHA256.HashSizeInBytes;
        if (!SHA256.HashData(file.AsSpan(0, padded)).AsSpan().SequenceEqual(file.AsSpan(padded)))
        {
            throw new InvalidDataException("snapshot file fails its SHA-256");
        }
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (length > (ulong)(padded - 8))
        {
            throw new InvalidDataException("snapshot file length field exceeds the file");
        }
        return file.AsSpan(8, (int)length).ToArray();
    }
}
