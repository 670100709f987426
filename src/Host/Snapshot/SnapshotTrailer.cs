using System.Security.Cryptography;

namespace Cairn.Host.Snapshot;

/// <summary>
/// The SHA-256 etcd appends to a saved snapshot. As etcdutl decides it: a file whose size is 32 bytes past a
/// multiple of 512 carries the hash of everything before it; any other size is a bare database.
/// </summary>
internal static class SnapshotTrailer
{
    /// <summary>The block size the trailer's presence is judged by.</summary>
    public const int BlockBytes = 512;

    /// <summary>Bytes hashed per read.</summary>
    public const int ReadChunkBytes = 1 << 20;

    /// <summary>The length of the database in <paramref name="path"/>: without the trailer when there is one,
    /// which must match; a file without one is refused unless <paramref name="skipHashCheck"/>.</summary>
    public static long DatabaseLength(string path, bool skipHashCheck)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, ReadChunkBytes);
        long length = file.Length;
        bool hasHash = length % BlockBytes == SHA256.HashSizeInBytes;
        if (!hasHash)
        {
            return skipHashCheck ? length : throw new InvalidDataException($"snapshot {path} has no SHA-256 trailer (its size {length} is not 512·n + 32); pass --skip-hash-check to restore a copied database file");
        }
        long body = length - SHA256.HashSizeInBytes;
        if (skipHashCheck) return body;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[ReadChunkBytes];
        for (long left = body; left > 0;)
        {
            int read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read <= 0) throw new InvalidDataException($"snapshot {path} ended while hashing");
            sha.AppendData(buffer, 0, read);
            left -= read;
        }
        byte[] trailer = new byte[SHA256.HashSizeInBytes];
        file.ReadExactly(trailer);
        if (!sha.GetHashAndReset().AsSpan().SequenceEqual(trailer)) throw new InvalidDataException($"snapshot {path} fails its SHA-256 (corrupt or truncated)");
        return body;
    }
}
