using Cairn.Core;
using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;
using Cairn.Simulation.World;
using Xunit;

namespace Cairn.Host.Storage.Tests.SnapshotStore;

/// <summary>The snapshot store contract against the simulator's store, owned by a <see cref="SimDisk"/>, and its crash
/// model: committed files survive a crash, writers open at the crash are lost.</summary>
public sealed class SimSnapshotStoreContractTests : SnapshotStoreContract
{
    private readonly SimDisk _disk = new(DiskFaults.None);

    protected override ISnapshotStore Store => _disk.Snapshots!;

    protected override IReadOnlyCollection<string> StoredFiles => _disk.SnapshotFiles.Names;

    protected override void FlipByte(string name, long offset) => Assert.True(_disk.SnapshotFiles.FlipByte(name, offset));

    public override void Dispose()
    {
    }

    [Fact]
    public void The_disk_hands_out_one_store()
    {
        Assert.Same(_disk.SnapshotFiles, _disk.Snapshots);
        Assert.Same(((ILogDisk)_disk).Snapshots, _disk.Snapshots);
    }

    [Fact]
    public void Committed_files_survive_a_crash()
    {
        var bytes = Bytes(LargeBytes, 30);
        var name = Save(8, 2, bytes);
        _disk.Crash();
        using var reader = OpenOf(name, bytes);
        var read = new byte[bytes.Length];
        reader.Read(0, read);
        Assert.Equal(bytes, read);
    }

    [Fact]
    public void A_writer_from_before_a_crash_cannot_commit_after_it()
    {
        using var writer = Store.Create(8, 2);
        writer.Write(Bytes(100, 31));
        _disk.Crash();
        Assert.Throws<InvariantViolationException>(() => writer.Commit());
        Assert.Empty(StoredFiles);
    }

    [Fact]
    public void A_snapshot_record_naming_a_file_counts_its_length_as_written_bytes()
    {
        var snapshot = new SnapshotRecord { Index = 5, Term = 1, File = "0000000000000001-0000000000000005-00000001.snap", Length = 4_000_000 };
        _disk.Submit(new DiskWrite(1, null, [], snapshot));
        Assert.Equal(4_000_000, _disk.SnapshotBytesOf(1));
    }
}
