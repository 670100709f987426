using Xunit;

namespace Cairn.Host.Snapshot.Tests;

/// <summary>A snapshot save cut short by a crash leaves its temporary file in the member dir (DeleteOnClose unlinks
/// at close, which a killed process never reaches); the next start removes exactly those files.</summary>
public sealed class SnapshotLeftoverTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cairn-leftover-" + Guid.NewGuid().ToString("N"));

    public SnapshotLeftoverTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Start_removes_temporary_snapshot_files_and_nothing_else()
    {
        File.WriteAllText(Path.Combine(_dir, "snapshot-0123456789abcdef.tmp"), "partial");
        File.WriteAllText(Path.Combine(_dir, "snapshot-fedcba9876543210.tmp"), "partial");
        File.WriteAllText(Path.Combine(_dir, "kv.db"), "store");
        File.WriteAllText(Path.Combine(_dir, "raft.db"), "log");

        int removed = SnapshotStream.RemoveLeftovers(_dir);

        Assert.Equal(2, removed);
        Assert.Equal(["kv.db", "raft.db"], Directory.GetFiles(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
