using System.Security.Cryptography;
using Cairn.Host.Config;
using Cairn.Host.Storage;

namespace Cairn.Host.Snapshot;

/// <summary>
/// etcd's snapshot as Maintenance.Snapshot streams it: the bbolt file, then the SHA-256 of the file as the
/// last 32 bytes. The file is written to a temporary file in the member dir (deleted on close) from one read
/// transaction of the KV store, then read back in chunks; nothing holds the whole database in memory.
/// </summary>
internal sealed class SnapshotStream : IDisposable
{
    private readonly FileStream _file;

    private SnapshotStream(FileStream file, long revision, long keys)
    {
        _file = file;
        Revision = revision;
        Keys = keys;
    }

    /// <summary>The KV revision the snapshot holds.</summary>
    public long Revision { get; }

    /// <summary>Revisions written to the "key" bucket.</summary>
    public long Keys { get; }

    /// <summary>Bytes the stream carries: the bbolt file and its SHA-256.</summary>
    public long TotalBytes => _file.Length + SHA256.HashSizeInBytes;

    /// <summary>The temporary files <see cref="Create"/> writes (deleted on close; a crash can leave one behind).</summary>
    internal const string TempFilePattern = "snapshot-*.tmp";

    /// <summary>Deletes the temporary snapshot files a crashed process left in <paramref name="tempDir"/> (called at
    /// start, before any snapshot is taken); returns how many it deleted.</summary>
    public static int RemoveLeftovers(string tempDir)
    {
        int removed = 0;
        foreach (string path in Directory.EnumerateFiles(tempDir, TempFilePattern))
        {
            File.Delete(path);
            removed++;
        }
        return removed;
    }

    /// <summary>Writes the snapshot of the store at <paramref name="storePath"/> to a temporary file in <paramref name="tempDir"/>.</summary>
    public static SnapshotStream Create(string storePath, string tempDir, IReadOnlyList<MemberInfo> members)
    {
        string path = Path.Combine(tempDir, $"snapshot-{Guid.NewGuid():N}.tmp");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        try
        {
            using MvccReadView view = MvccReadView.Open(storePath);
            long keys = EtcdSnapshotWriter.Write(view, members, file);
            return new SnapshotStream(file, view.CurrentRevision, keys);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The file in chunks of at most <paramref name="chunkBytes"/>, then its SHA-256 as the last chunk.</summary>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> Chunks(int chunkBytes, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancel = default)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        _file.Seek(0, SeekOrigin.Begin);
        byte[] buffer = new byte[chunkBytes];
        int read;
        while ((read = await _file.ReadAsync(buffer, cancel).ConfigureAwait(false)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            yield return buffer.AsMemory(0, read);
        }
        yield return sha.GetHashAndReset();
    }

    public void Dispose() => _file.Dispose();
}
