using Cairn.Core.Wire;
using Cairn.Core.Runtime;
using Xunit;

namespace Cairn.Host.Storage.Tests.SnapshotStore;

/// <summary>The snapshot store contract against <see cref="FileSnapshotStore"/> in a temporary directory, and what only
/// files do: crash leftovers, damage on disk, sequence numbers across a restart.</summary>
public sealed class FileSnapshotStoreContractTests : SnapshotStoreContract
{
    private readonly TempDirectory _dir = new();
    private FileSnapshotStore _store;

    public FileSnapshotStoreContractTests() => _store = new FileSnapshotStore(SnapDir);

    private string SnapDir => _dir.File("snap");

    protected override ISnapshotStore Store => _store;

    protected override IReadOnlyCollection<string> StoredFiles =>
        Directory.GetFiles(SnapDir).Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal).ToArray();

    protected override void FlipByte(string name, long offset)
    {
        using var file = new FileStream(Path.Combine(SnapDir, name), FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        var b = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(b ^ 0xFF));
    }

    public override void Dispose() => _dir.Dispose();

    [Fact]
    public void The_directory_is_created_when_missing() => Assert.True(Directory.Exists(SnapDir));

    [Fact]
    public void A_crash_leftover_tmp_is_removed_by_retain_and_the_sequence_continues_past_it()
    {
        var kept = Bytes(100, 20);
        var keptName = Save(1, 1, kept);
        var leftover = Path.Combine(SnapDir, "0000000000000002-0000000000000009-00000007.snap.tmp");
        File.WriteAllBytes(leftover, Bytes(1000, 21));
        _store = new FileSnapshotStore(SnapDir); // the restart after the crash
        _store.Retain(keptName);
        Assert.False(File.Exists(leftover));
        Assert.Equal(new[] { keptName }, StoredFiles);
        var name = Save(1, 1, kept);
        Assert.EndsWith("-00000008.snap", name);
    }

    [Fact]
    public void An_open_writer_fills_a_tmp_file_that_is_not_a_snapshot_yet()
    {
        using var writer = Store.Create(5, 2);
        writer.Write(Bytes(10, 22));
        var tmp = Assert.Single(StoredFiles);
        Assert.EndsWith(".snap.tmp", tmp);
        Assert.Throws<InvalidDataException>(() => Store.Open(tmp, 0, 0));
        Assert.Throws<InvalidDataException>(() => Store.Open(tmp[..^4], 0, 0));
    }

    [Fact]
    public void A_truncated_file_fails_open()
    {
        var bytes = Bytes(LargeBytes, 23);
        var name = Save(6, 2, bytes);
        using (var file = new FileStream(Path.Combine(SnapDir, name), FileMode.Open, FileAccess.Write)) file.SetLength(bytes.Length / 2);
        Assert.Throws<InvalidDataException>(() => Store.Open(name, bytes.Length, Crc32C.Compute(bytes)));
    }

    [Fact]
    public void A_name_with_a_path_is_refused()
    {
        Assert.Throws<InvalidDataException>(() => Store.Open("../x.snap", 0, 0));
        Assert.Throws<InvalidDataException>(() => Store.Open("", 0, 0));
    }

    [Fact]
    public void The_log_disk_keeps_its_snapshots_in_snap_beside_the_database()
    {
        var log = new DurabilityLog();
        using var disk = new SqliteLogDisk(_dir.File("raft.db"), log.Durable, log.Failed);
        var store = Assert.IsType<FileSnapshotStore>(((ILogDisk)disk).Snapshots);
        Assert.Same(store, ((ILogDisk)disk).Snapshots);
        Assert.Equal(Path.GetFullPath(SnapDir), store.Directory);
    }
}
