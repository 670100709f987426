using Cairn.Core.Kv;
using Cairn.Core.Kv.Wire;
using Google.Protobuf;
using Xunit;

namespace Cairn.Host.Storage.Tests.Mvcc;

/// <summary>
/// Snapshot views of the SQLite store (<see cref="SqliteMvccBackend.OpenSnapshotView"/>, issue 8): after a random
/// history of committed batches a view holds exactly what the store holds — meta, export, leases, sessions, alarms;
/// a view of a file is a read transaction that later commits do not reach, readable on another thread while the store
/// keeps committing; a view of an in-memory store refuses to read once the store wrote; no view opens inside a batch.
/// </summary>
public sealed class SnapshotViewTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string Path => _dir.File("mvcc.db");

    /// <summary>Everything a view holds, copied from a view or from the store itself.</summary>
    private sealed record Contents(ulong AppliedIndex, long CurrentRevision, long CompactRevision, long LastLeaseId,
        List<KeyHistoryRecord> Keys, List<LeaseRecord> Leases, List<SessionRecord> Sessions, List<AlarmMember> Alarms)
    {
        public static Contents Of(IMvccSnapshotView view) => new(view.AppliedIndex, view.CurrentRevision, view.CompactRevision,
            view.LastLeaseId, view.Export().ToList(), view.Leases().ToList(), view.Sessions().ToList(), view.StoredAlarms().ToList());

        public static Contents Of(SqliteMvccBackend store) => new(store.AppliedIndex, store.CurrentRevision, store.CompactRevision,
            store.LastLeaseId, store.Export().ToList(), store.Leases().ToList(), store.Sessions().ToList(), store.StoredAlarms().ToList());

        public void AssertEqual(Contents other)
        {
            Assert.Equal((AppliedIndex, CurrentRevision, CompactRevision, LastLeaseId),
                (other.AppliedIndex, other.CurrentRevision, other.CompactRevision, other.LastLeaseId));
            Assert.Equal(Keys, other.Keys);
            Assert.Equal(Leases, other.Leases);
            Assert.Equal(Sessions, other.Sessions);
            Assert.Equal(Alarms, other.Alarms);
        }
    }

    private static ByteString K(int i) => ByteString.CopyFromUtf8($"key/{i:D3}");

    /// <summary>Commits <paramref name="batches"/> random batches of puts, deletes, leases, sessions, alarms and
    /// (sliced or whole) compactions, each at the next applied index.</summary>
    private static void CommitRandomBatches(Random random, SqliteMvccBackend store, int batches)
    {
        for (var batch = 0; batch < batches; batch++)
        {
            store.BeginBatch();
            for (var op = random.Next(1, 8); op > 0; op--) RandomWrite(random, store);
            store.CommitBatch(store.AppliedIndex + (ulong)random.Next(1, 4));
        }
    }

    private static void RandomWrite(Random random, SqliteMvccBackend store)
    {
        switch (random.Next(12))
        {
            case 0:
                store.PutLease(random.Next(1, 20), random.Next(5, 60));
                return;
            case 1:
                store.DeleteLease(random.Next(1, 20));
                return;
            case 2:
                store.PutSession(new SessionRecord { ClientId = (ulong)random.Next(1, 10), LastSequence = (ulong)random.Next(100), LastIndex = store.AppliedIndex, LastReply = ByteString.CopyFromUtf8($"r{random.Next()}") });
                return;
            case 3:
                store.DeleteSession((ulong)random.Next(1, 10));
                return;
            case 4:
                store.PutAlarms(Enumerable.Range(1, random.Next(0, 3)).Select(m => new AlarmMember { MemberID = (ulong)m, Alarm = (AlarmType)random.Next(1, 3) }).ToList());
                return;
            case 5:
                store.PutLastLeaseId(store.LastLeaseId + 1);
                return;
            case 6 when store.CurrentRevision > store.CompactRevision + 5:
                Compact(random, store);
                return;
            default:
                WriteRevision(random, store);
                return;
        }
    }

    private static void Compact(Random random, SqliteMvccBackend store)
    {
        var to = random.NextInt64(store.CompactRevision + 1, store.CurrentRevision + 1);
        if (random.Next(2) == 0)
        {
            store.Compact(to);
            return;
        }
        store.BeginCompact(to);
        store.CompactSlice(random.Next(1, 5)); // often left pending: the rest stays in the store, and in the view
    }

    private static void WriteRevision(Random random, SqliteMvccBackend store)
    {
        var revision = store.CurrentRevision + 1;
        var keys = Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(0, 600)).Distinct().ToArray();
        for (var sub = 0; sub < keys.Length; sub++)
        {
            var key = K(keys[sub]);
            var kv = random.Next(4) == 0 ? null
                : new KeyValue { Key = key, ModRevision = revision, CreateRevision = revision, Version = 1, Value = ByteString.CopyFromUtf8($"v{revision}.{sub}") };
            store.Write(key, sub, kv);
        }
        store.Commit();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_file_view_holds_what_the_store_holds(int seed)
    {
        using var store = new SqliteMvccBackend(Path);
        CommitRandomBatches(new Random(seed), store, 200);
        using var view = store.OpenSnapshotView()!;
        Assert.IsType<MvccReadView>(view);
        Contents.Of(store).AssertEqual(Contents.Of(view));
        Assert.True(Contents.Of(view).Keys.Count > SqliteMvccBackend.RangePageRowsMax); // the export pages
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void An_in_memory_view_holds_what_the_store_holds(int seed)
    {
        using var store = new SqliteMvccBackend(":memory:");
        CommitRandomBatches(new Random(seed), store, 200);
        using var view = store.OpenSnapshotView()!;
        Contents.Of(store).AssertEqual(Contents.Of(view));
    }

    [Fact]
    public void A_view_of_an_empty_store_is_empty()
    {
        using var store = new SqliteMvccBackend(Path);
        using var view = store.OpenSnapshotView()!;
        Contents.Of(store).AssertEqual(Contents.Of(view));
        Assert.Empty(view.Export());
    }

    [Fact]
    public void A_file_view_does_not_see_batches_committed_after_it_opened()
    {
        var random = new Random(7);
        using var store = new SqliteMvccBackend(Path);
        CommitRandomBatches(random, store, 100);
        var atOpen = Contents.Of(store);
        using var view = store.OpenSnapshotView()!;
        CommitRandomBatches(random, store, 100);
        store.BeginBatch();
        store.PutLease(99, 30);
        store.CommitBatch(store.AppliedIndex + 1);
        atOpen.AssertEqual(Contents.Of(view));
        Assert.True(store.AppliedIndex > view.AppliedIndex);
        Assert.DoesNotContain(view.Leases(), lease => lease.ID == 99);
    }

    [Fact]
    public async Task A_file_view_reads_on_another_thread_while_the_store_commits()
    {
        var random = new Random(8);
        using var store = new SqliteMvccBackend(Path);
        CommitRandomBatches(random, store, 150);
        var atOpen = Contents.Of(store);
        using var view = store.OpenSnapshotView()!;
        using var started = new ManualResetEventSlim();
        var reader = Task.Run(() =>
        {
            var reads = new List<Contents>();
            started.Set();
            for (var round = 0; round < 5; round++) reads.Add(Contents.Of(view));
            return reads;
        });
        started.Wait();
        CommitRandomBatches(random, store, 150);
        foreach (var read in await reader) atOpen.AssertEqual(read);
        Assert.True(store.CurrentRevision > view.CurrentRevision);
    }

    [Fact]
    public void Disposing_a_file_view_ends_its_read_transaction()
    {
        using var store = new SqliteMvccBackend(Path);
        CommitRandomBatches(new Random(9), store, 50);
        var view = store.OpenSnapshotView()!;
        Assert.NotEmpty(view.Export());
        view.Dispose();
        Assert.Throws<ObjectDisposedException>(() => view.Leases());
        store.Defragment(); // its truncating checkpoint stays busy while a reader holds the WAL
        Assert.Equal(0, new FileInfo(Path + "-wal").Length);
    }

    [Fact]
    public void An_in_memory_view_refuses_to_read_once_the_store_wrote()
    {
        using var store = new SqliteMvccBackend(":memory:");
        CommitRandomBatches(new Random(10), store, 200);
        using var view = store.OpenSnapshotView()!;
        using var keys = view.Export().GetEnumerator();
        Assert.True(keys.MoveNext());
        _ = (view.Leases(), view.Sessions(), view.StoredAlarms());
        store.BeginBatch();
        store.PutLease(99, 30);
        store.CommitBatch(store.AppliedIndex + 1);
        Assert.Throws<InvalidOperationException>(() => keys.MoveNext());
        Assert.Throws<InvalidOperationException>(() => view.Export().ToList());
        Assert.Throws<InvalidOperationException>(() => view.Leases());
        Assert.Throws<InvalidOperationException>(() => view.Sessions());
        Assert.Throws<InvalidOperationException>(() => view.StoredAlarms());
    }

    [Fact]
    public void An_in_memory_view_refuses_to_read_once_the_store_defragmented()
    {
        using var store = new SqliteMvccBackend(":memory:");
        CommitRandomBatches(new Random(11), store, 20);
        using var view = store.OpenSnapshotView()!;
        store.Defragment();
        Assert.Throws<InvalidOperationException>(() => view.Leases());
    }

    [Fact]
    public void An_in_memory_store_opens_no_view_while_a_batch_or_a_write_is_uncommitted()
    {
        using var store = new SqliteMvccBackend(":memory:");
        CommitRandomBatches(new Random(12), store, 10);
        store.BeginBatch();
        Assert.Null(store.OpenSnapshotView());
        store.CommitBatch(store.AppliedIndex + 1);
        store.Write(K(1), 0, null);
        Assert.Null(store.OpenSnapshotView());
        store.Commit();
        using var view = store.OpenSnapshotView()!;
        Contents.Of(store).AssertEqual(Contents.Of(view));
    }

    [Fact]
    public void A_file_view_opened_during_an_open_batch_sees_the_last_committed_batch()
    {
        using var store = new SqliteMvccBackend(Path);
        CommitRandomBatches(new Random(12), store, 10);
        var committed = Contents.Of(store);
        store.BeginBatch();
        store.Write(K(1), 0, null);
        using var view = store.OpenSnapshotView()!;
        committed.AssertEqual(Contents.Of(view));
        store.CommitBatch(store.AppliedIndex + 1);
        committed.AssertEqual(Contents.Of(view));
    }

    public void Dispose() => _dir.Dispose();
}
