using Cairn.Core.Kv.Wire;
using Google.Protobuf;
using Xunit;

namespace Cairn.Host.Storage.Tests.Mvcc;

/// <summary>
/// Snapshots as files (issue 8 §3): a consistent copy of the committed store, installed only after its length,
/// CRC-32C and SQLite structure are verified; a torn, partial or flipped file is never installed.
/// </summary>
public sealed class SnapshotFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static ByteString K(string key) => ByteString.CopyFromUtf8(key);

    private static void Put(SqliteMvccBackend store, string key, string value)
    {
        var revision = store.CurrentRevision + 1;
        store.Write(K(key), 0, new KeyValue { Key = K(key), ModRevision = revision, CreateRevision = revision, Version = 1, Value = K(value) });
        store.Commit();
    }

    private static void Batch(SqliteMvccBackend store, ulong index, params string[] keys)
    {
        store.BeginBatch();
        foreach (var key in keys) Put(store, key, $"{key}@{index}");
        store.PutLease((long)index, 10);
        store.CommitBatch(index);
    }

    [Fact]
    public void An_installed_snapshot_replaces_the_store_and_survives_reopening()
    {
        MvccSnapshotFile snapshot;
        using (var leader = new SqliteMvccBackend(_dir.File("leader.db")))
        {
            Batch(leader, 7, "a", "b", "c");
            leader.BeginBatch();
            Put(leader, "uncommitted", "x"); // an open batch is not in the snapshot: it reads committed state only
            snapshot = leader.WriteSnapshot(_dir.File("snap.db"));
            leader.CommitBatch(8);
        }
        Assert.Equal(7UL, snapshot.AppliedIndex);
        using (var follower = new SqliteMvccBackend(_dir.File("follower.db")))
        {
            Batch(follower, 3, "old");
            follower.InstallSnapshot(snapshot);
            Assert.Equal((7UL, 4L), (follower.AppliedIndex, follower.CurrentRevision));
            Assert.Null(follower.Get(K("old"), follower.CurrentRevision));
            Assert.Null(follower.Get(K("uncommitted"), follower.CurrentRevision));
            Batch(follower, 8, "d");
        }
        using var reopened = new SqliteMvccBackend(_dir.File("follower.db"));
        Assert.Equal(8UL, reopened.AppliedIndex);
        Assert.Equal("a@7", reopened.Get(K("a"), reopened.CurrentRevision)!.Value.ToStringUtf8());
        Assert.Equal(new long[] { 7, 8 }, reopened.Leases().Select(l => l.ID));
        Assert.False(File.Exists(snapshot.Path));
    }

    [Theory]
    [InlineData("torn")]
    [InlineData("flipped")]
    [InlineData("missing")]
    public void A_damaged_snapshot_file_is_never_installed(string damage)
    {
        MvccSnapshotFile snapshot;
        using (var leader = new SqliteMvccBackend(_dir.File("leader.db")))
        {
            for (ulong i = 1; i <= 20; i++) Batch(leader, i, $"key{i}", $"other{i}");
            snapshot = leader.WriteSnapshot(_dir.File("snap.db"));
        }
        var bytes = File.ReadAllBytes(snapshot.Path);
        switch (damage)
        {
            case "torn": File.WriteAllBytes(snapshot.Path, bytes[..(bytes.Length / 2)]); break;
            case "flipped": bytes[bytes.Length - 100] ^= 0x10; File.WriteAllBytes(snapshot.Path, bytes); break;
            default: File.Delete(snapshot.Path); break;
        }
        using var follower = new SqliteMvccBackend(_dir.File("follower.db"));
        Batch(follower, 3, "mine");
        var error = Assert.Throws<InvalidDataException>(() => follower.InstallSnapshot(snapshot));
        Assert.Contains("not installed", error.Message);
        Assert.Equal(3UL, follower.AppliedIndex);
        Assert.Equal("mine@3", follower.Get(K("mine"), follower.CurrentRevision)!.Value.ToStringUtf8());
        Batch(follower, 4, "still-writable");
    }

    public void Dispose() => _dir.Dispose();
}
