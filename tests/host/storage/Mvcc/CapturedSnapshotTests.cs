using Cairn.Core.Kv;
using Cairn.Core.Kv.Wire;
using Google.Protobuf;
using Xunit;

namespace Cairn.Host.Storage.Tests.Mvcc;

/// <summary>
/// A <see cref="KvStateMachine"/> over the SQLite store pins its snapshots with a store view
/// (<see cref="KvStateMachine.CaptureSnapshot"/>): written later — for a file on another thread while the machine
/// keeps applying and committing — the snapshot is byte for byte the <see cref="KvStateMachine.TakeSnapshot"/> of the
/// moment it was captured.
/// </summary>
public sealed class CapturedSnapshotTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static byte[] Command(Random random, ulong index)
    {
        var command = new KvCommand();
        switch (random.Next(5))
        {
            case 0:
                command.RegisterSession = new RegisterSessionRequest();
                break;
            case 1:
                command.LeaseGrant = new LeaseGrantRequest { TTL = random.Next(5, 60) };
                break;
            case 2:
                command.LeaseRevoke = new LeaseRevokeRequest { ID = random.Next(1, 8) };
                break;
            default:
                command.Put = new PutRequest { Key = ByteString.CopyFromUtf8($"k{random.Next(40):D2}"), Value = ByteString.CopyFromUtf8($"v{index}"), Lease = random.Next(3) == 0 ? random.Next(0, 6) : 0 };
                break;
        }
        return command.ToByteArray();
    }

    /// <summary>Applies <paramref name="count"/> random commands after the machine's applied index, committing the
    /// store every few entries and at the end.</summary>
    private static void ApplyAndPersist(Random random, KvStateMachine machine, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var index = machine.AppliedIndex + 1;
            machine.Apply(index, Command(random, index));
            if (random.Next(5) == 0) machine.PersistApplied();
        }
        machine.PersistApplied();
    }

    private static byte[] Written(Cairn.Core.StateMachine.IStateSnapshot snapshot)
    {
        using var bytes = new MemoryStream();
        snapshot.WriteTo(bytes);
        return bytes.ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_snapshot_captured_from_a_file_store_is_the_snapshot_of_its_moment(int seed)
    {
        var random = new Random(seed);
        using var backend = new SqliteMvccBackend(_dir.File($"kv{seed}.db"));
        var machine = new KvStateMachine(backend: backend);
        ApplyAndPersist(random, machine, 300);
        var expected = machine.TakeSnapshot();
        using var captured = machine.CaptureSnapshot();
        Assert.Equal(machine.AppliedIndex, captured.AppliedIndex);
        var writing = Task.Run(() => Written(captured));
        ApplyAndPersist(random, machine, 300);
        Assert.Equal(expected, await writing);
        Assert.NotEqual(expected, machine.TakeSnapshot());
    }

    [Fact]
    public void A_snapshot_captured_from_an_in_memory_store_is_the_snapshot_of_its_moment()
    {
        var random = new Random(3);
        using var backend = new SqliteMvccBackend(":memory:");
        var machine = new KvStateMachine(backend: backend);
        ApplyAndPersist(random, machine, 300);
        using var captured = machine.CaptureSnapshot();
        Assert.Equal(machine.TakeSnapshot(), Written(captured));
        ApplyAndPersist(random, machine, 5);
        Assert.Throws<InvalidOperationException>(() => Written(captured));
    }

    /// <summary>HashKV is prepared on the loop and computed off it from a store view: the same hash as computed live at
    /// that moment, while the machine goes on applying; a revision only the open batch holds is hashed at once.</summary>
    [Fact]
    public async Task HashKv_prepared_from_a_file_store_view_equals_the_live_hash_of_its_moment()
    {
        var random = new Random(4);
        using var backend = new SqliteMvccBackend(_dir.File("hash.db"));
        var machine = new KvStateMachine(backend: backend);
        ApplyAndPersist(random, machine, 300);
        var expected = machine.HashKv(0);
        var prepared = machine.PrepareHashKv(0);
        var hashing = Task.Run(prepared);
        ApplyAndPersist(random, machine, 300);
        Assert.Equal(expected, await hashing);
        Assert.NotEqual(expected.Revision, machine.HashKv(0).Revision);

        var index = machine.AppliedIndex + 1;
        machine.Apply(index, new KvCommand { Put = new PutRequest { Key = ByteString.CopyFromUtf8("unbatched"), Value = ByteString.CopyFromUtf8("v") } }.ToByteArray());
        var revision = machine.Revision;
        Assert.Equal(machine.HashKv(revision), machine.PrepareHashKv(revision)()); // not in the committed store yet
    }

    public void Dispose() => _dir.Dispose();
}
