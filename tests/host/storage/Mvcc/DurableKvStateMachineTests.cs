using Cairn.Core.Kv;
using Cairn.Core.Kv.Wire;
using Google.Protobuf;
using Xunit;

namespace Cairn.Host.Storage.Tests.Mvcc;

/// <summary>
/// The durable state-machine seam (issue 8 §2) on the SQLite store: a <see cref="KvStateMachine"/> over a
/// durable backend commits data, leases, sessions and the applied index in one batch
/// (<see cref="KvStateMachine.PersistApplied"/>); after a crash (the open batch lost) a new machine over the same
/// file starts at the durable applied index and, replaying only the entries after it, reaches exactly the state
/// of a machine that applied everything (compared as whole snapshots).
/// </summary>
public sealed class DurableKvStateMachineTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static KvCommand Command(Random random, ulong index, List<ulong> sessions, List<long> leases)
    {
        var command = new KvCommand();
        switch (random.Next(6))
        {
            case 0:
                command.RegisterSession = new RegisterSessionRequest();
                sessions.Add(index);
                return command;
            case 1:
                command.LeaseGrant = new LeaseGrantRequest { TTL = random.Next(5, 60) };
                leases.Add(0);
                return command;
            case 2 when leases.Count > 0:
                command.LeaseRevoke = new LeaseRevokeRequest { ID = random.Next(1, 8) };
                return command;
        }
        if (sessions.Count > 0 && random.Next(2) == 0)
        {
            command.ClientId = sessions[random.Next(sessions.Count)];
            command.Sequence = index; // increasing per client
        }
        command.Put = new PutRequest { Key = ByteString.CopyFromUtf8($"k{random.Next(30):D2}"), Value = ByteString.CopyFromUtf8($"v{index}") };
        if (random.Next(3) == 0) command.Put.Lease = random.Next(0, 6);
        return command;
    }

    private static List<byte[]> Commands(int seed, int count)
    {
        var random = new Random(seed);
        var (sessions, leases) = (new List<ulong>(), new List<long>());
        return Enumerable.Range(1, count).Select(i => Command(random, (ulong)i, sessions, leases).ToByteArray()).ToList();
    }

    [Theory]
    [InlineData(1, 40, 70)]
    [InlineData(2, 1, 90)]
    [InlineData(3, 60, 60)]
    public void A_restart_replays_only_the_entries_after_the_durable_applied_index(int seed, int persistedThrough, int appliedThrough)
    {
        var commands = Commands(seed, 100);
        var path = _dir.File("kv.db");
        using (var backend = new SqliteMvccBackend(path))
        {
            var machine = new KvStateMachine(backend: backend);
            Assert.True(machine.HasDurableStore);
            for (var i = 1; i <= appliedThrough; i++)
            {
                machine.Apply((ulong)i, commands[i - 1]);
                if (i == persistedThrough) machine.PersistApplied();
            }
            Assert.Equal((ulong)persistedThrough, machine.StoredAppliedIndex);
            Assert.True(machine.DurableAppliedIndex <= machine.StoredAppliedIndex, "the durable index never runs ahead of the committed one");
            backend.SyncCommitted();
            Assert.Equal((ulong)persistedThrough, machine.DurableAppliedIndex);
        } // a crash: the batch after persistedThrough is rolled back

        var reference = new KvStateMachine();
        for (var i = 1; i <= 100; i++) reference.Apply((ulong)i, commands[i - 1]);

        using var reopened = new SqliteMvccBackend(path);
        var recovered = new KvStateMachine(backend: reopened);
        Assert.Equal((ulong)persistedThrough, recovered.AppliedIndex);
        Assert.Equal((ulong)persistedThrough, recovered.DurableAppliedIndex);
        for (var i = persistedThrough + 1; i <= 100; i++) recovered.Apply((ulong)i, commands[i - 1]);
        Assert.Equal(reference.TakeSnapshot(), recovered.TakeSnapshot());
        recovered.PersistApplied();
        Assert.Equal(100UL, reopened.AppliedIndex);
    }

    [Fact]
    public void A_committed_batch_counts_as_durable_only_once_it_is_synced()
    {
        var path = _dir.File("kv.db");
        using (var backend = new SqliteMvccBackend(path))
        {
            Assert.Equal(0UL, backend.DurableAppliedIndex);
            backend.BeginBatch();
            backend.PutLastLeaseId(7);
            backend.CommitBatch(5);
            Assert.Equal(5UL, backend.AppliedIndex);
            Assert.Contains(backend.DurableAppliedIndex, new[] { 0UL, 5UL }); // 5 once the background sync ran
            backend.SyncCommitted();
            Assert.Equal(5UL, backend.DurableAppliedIndex);
            backend.BeginBatch();
            backend.PutLastLeaseId(8);
            backend.CommitBatch(9);
            Assert.Contains(backend.DurableAppliedIndex, new[] { 5UL, 9UL });
        }
        using var reopened = new SqliteMvccBackend(path);
        Assert.Equal(9UL, reopened.AppliedIndex);
        Assert.Equal(9UL, reopened.DurableAppliedIndex); // what a restart finds is synced before it counts
        Assert.Equal(8, reopened.LastLeaseId);
    }

    [Fact]
    public void The_in_memory_store_is_durable_only_through_its_last_snapshot()
    {
        var commands = Commands(4, 30);
        var machine = new KvStateMachine();
        Assert.False(machine.HasDurableStore);
        for (var i = 1; i <= 20; i++) machine.Apply((ulong)i, commands[i - 1]);
        machine.PersistApplied();
        Assert.Equal(0UL, machine.DurableAppliedIndex);
        machine.TakeSnapshot();
        for (var i = 21; i <= 30; i++) machine.Apply((ulong)i, commands[i - 1]);
        Assert.Equal(20UL, machine.DurableAppliedIndex);
    }

    public void Dispose() => _dir.Dispose();
}
