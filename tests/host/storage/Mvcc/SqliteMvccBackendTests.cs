using Cairn.Core.Kv;
using Cairn.Core.Kv.Wire;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Cairn.Host.Storage.Tests.Mvcc;

/// <summary>
/// The SQLite MVCC store against the in-memory reference (<see cref="InMemoryMvccBackend"/>): the same random
/// history of puts, deletes, commits and compactions gives the same reads, changes and export; and what a
/// committed batch wrote — data, applied index, leases, sessions — survives reopening, while an unfinished
/// batch leaves nothing behind.
/// </summary>
public sealed class SqliteMvccBackendTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string Path => _dir.File("mvcc.db");

    private static ByteString K(int i) => ByteString.CopyFromUtf8($"key/{i:D3}");

    private static KeyValue Kv(ByteString key, long revision, string value) =>
        new() { Key = key, ModRevision = revision, CreateRevision = revision, Version = 1, Value = ByteString.CopyFromUtf8(value) };

    private static void RandomHistory(Random random, params IMvccBackend[] stores)
    {
        for (var step = 0; step < 300; step++)
        {
            var revision = stores[0].CurrentRevision + 1;
            var keys = Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(0, 40)).Distinct().ToArray();
            for (var sub = 0; sub < keys.Length; sub++)
            {
                var key = K(keys[sub]);
                var kv = random.Next(4) == 0 ? null : Kv(key, revision, $"v{revision}.{sub}");
                foreach (var store in stores) store.Write(key, sub, kv);
            }
            foreach (var store in stores) store.Commit();
            if (random.Next(40) == 0)
            {
                var to = random.NextInt64(stores[0].CompactRevision + 1, stores[0].CurrentRevision + 1);
                foreach (var store in stores) store.Compact(to);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Reads_changes_and_export_match_the_in_memory_reference(int seed)
    {
        var reference = new InMemoryMvccBackend();
        using var sqlite = new SqliteMvccBackend(Path);
        RandomHistory(new Random(seed), reference, sqlite);
        Assert.Equal(reference.CurrentRevision, sqlite.CurrentRevision);
        Assert.Equal(reference.CompactRevision, sqlite.CompactRevision);
        var all = KeyRange.From(ByteString.CopyFrom(0), ByteString.CopyFrom(0));
        for (var at = reference.CompactRevision; at <= reference.CurrentRevision; at += 7)
        {
            Assert.Equal(reference.Range(all, at), sqlite.Range(all, at));
            Assert.Equal(reference.Range(KeyRange.From(K(5), K(17)), at), sqlite.Range(KeyRange.From(K(5), K(17)), at));
            Assert.Equal(reference.Get(K(3), at), sqlite.Get(K(3), at));
        }
        var from = reference.CompactRevision + 1;
        Assert.Equal(reference.Changes(all, from, reference.CurrentRevision), sqlite.Changes(all, from, sqlite.CurrentRevision));
        Assert.Equal(reference.Changes(KeyRange.From(K(7), ByteString.Empty), from, reference.CurrentRevision),
            sqlite.Changes(KeyRange.From(K(7), ByteString.Empty), from, sqlite.CurrentRevision));
        Assert.Equal(reference.Export(), sqlite.Export());
    }

    /// <summary>A LIST's count at the newest revision reads the live-key index (<c>mvcc_live</c>): it matches the
    /// reference after a random history, while a revision is being built, and after a store written before the index
    /// existed fills it on open.</summary>
    [Theory]
    [InlineData(6)]
    [InlineData(7)]
    public void Count_at_the_newest_revision_matches_the_reference_with_and_without_a_revision_being_built(int seed)
    {
        var reference = new InMemoryMvccBackend();
        var ranges = new[] { KeyRange.From(ByteString.CopyFrom(0), ByteString.CopyFrom(0)), KeyRange.From(K(5), K(17)), KeyRange.From(K(9), ByteString.Empty) };
        using (var sqlite = new SqliteMvccBackend(Path))
        {
            RandomHistory(new Random(seed), reference, sqlite);
            foreach (var range in ranges) Assert.Equal(reference.Count(range, reference.CurrentRevision), sqlite.Count(range, sqlite.CurrentRevision));
            var building = reference.CurrentRevision + 1;
            foreach (IMvccBackend store in new IMvccBackend[] { reference, sqlite })
            {
                store.Write(K(5), 0, null);
                store.Write(K(40), 1, new KeyValue { Key = K(40), CreateRevision = building, ModRevision = building, Version = 1 });
            }
            foreach (var range in ranges)
            {
                Assert.Equal(reference.Count(range, building), sqlite.Count(range, building));
                Assert.Equal(reference.Count(range, building - 1), sqlite.Count(range, building - 1));
            }
            reference.Commit();
            sqlite.Commit();
        }
        using (var legacy = SqliteFiles.Open(Path))
            SqliteFiles.Execute(legacy, $"DELETE FROM mvcc_live; DELETE FROM mvcc_meta WHERE name = '{MvccSchema.LiveIndex}';");
        using var reopened = new SqliteMvccBackend(Path);
        foreach (var range in ranges) Assert.Equal(reference.Count(range, reference.CurrentRevision), reopened.Count(range, reopened.CurrentRevision));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Pushed_down_limit_keys_only_count_and_change_pages_match_the_in_memory_reference(int seed)
    {
        var reference = new InMemoryMvccBackend();
        using var sqlite = new SqliteMvccBackend(Path);
        RandomHistory(new Random(seed), reference, sqlite);
        var all = KeyRange.From(ByteString.CopyFrom(0), ByteString.CopyFrom(0));
        var ranges = new[] { all, KeyRange.From(K(5), K(17)), KeyRange.From(K(3), ByteString.Empty), KeyRange.From(K(9), ByteString.Empty) };
        for (var at = reference.CompactRevision; at <= reference.CurrentRevision; at += 11)
        {
            foreach (var range in ranges)
            {
                Assert.Equal(reference.Range(range, at).LongCount(), sqlite.Count(range, at));
                Assert.Equal(reference.Count(range, at), sqlite.Count(range, at));
                foreach (var limit in new long[] { 0, 1, 3, 1000 })
                {
                    Assert.Equal(reference.Range(range, at, limit, keysOnly: true), sqlite.Range(range, at, limit, keysOnly: true));
                    Assert.Equal(reference.Range(range, at, limit, keysOnly: false), sqlite.Range(range, at, limit, keysOnly: false));
                }
            }
        }
        Assert.All(sqlite.Range(all, sqlite.CurrentRevision, 0, keysOnly: true), kv => Assert.True(kv.Value.IsEmpty));
        var whole = reference.Changes(all, reference.CompactRevision + 1, reference.CurrentRevision);
        foreach (var eventsMax in new[] { 1, 2, 7, 100_000 })
        {
            // Page by page, the whole change list comes back in order; no revision is split between pages.
            foreach (IMvccBackend store in new IMvccBackend[] { reference, sqlite })
            {
                var paged = new List<MvccChange>();
                var from = store.CompactRevision + 1;
                while (true)
                {
                    var page = store.Changes(all, from, store.CurrentRevision, eventsMax);
                    paged.AddRange(page);
                    if (page.Count < eventsMax) break;
                    Assert.True(page.Count < eventsMax + 4, "a page exceeds its bound by more than one revision");
                    from = page[^1].Revision + 1;
                }
                Assert.Equal(whole, paged);
            }
        }
    }

    [Theory]
    [InlineData(6, 1)]
    [InlineData(7, 5)]
    public void A_compaction_in_bounded_slices_ends_where_a_whole_compaction_does_and_reads_never_change(int seed, int keysMax)
    {
        var whole = new InMemoryMvccBackend();
        var sliced = new InMemoryMvccBackend();
        using var sqlite = new SqliteMvccBackend(Path);
        RandomHistory(new Random(seed), whole, sliced, sqlite);
        var all = KeyRange.From(ByteString.CopyFrom(0), ByteString.CopyFrom(0));
        var to = Math.Min(whole.CurrentRevision, (whole.CompactRevision + whole.CurrentRevision) / 2 + 1);
        whole.Compact(to);
        sliced.BeginCompact(to);
        sqlite.BeginCompact(to);
        Assert.Equal(to, sliced.CompactRevision);
        Assert.Equal(to, sqlite.CompactRevision);
        var slices = 0;
        bool slicedDone = false, sqliteDone = false;
        while (!(slicedDone && sqliteDone))
        {
            Assert.True(++slices < 1000, "the sliced compaction does not finish");
            slicedDone = sliced.CompactSlice(keysMax);
            sqliteDone = sqlite.CompactSlice(keysMax);
            Assert.Equal(slicedDone, sqliteDone);
            foreach (var at in new[] { to, Math.Min(to + 7, whole.CurrentRevision), whole.CurrentRevision })
            {
                Assert.Equal(whole.Range(all, at), sliced.Range(all, at));
                Assert.Equal(whole.Range(all, at), sqlite.Range(all, at));
            }
            Assert.Equal(whole.Changes(all, to + 1, whole.CurrentRevision), sqlite.Changes(all, to + 1, sqlite.CurrentRevision));
        }
        Assert.True(slices > 1);
        Assert.Equal(whole.Export(), sliced.Export());
        Assert.Equal(whole.Export(), sqlite.Export());
        Assert.Equal(whole.SizeBytes, sliced.SizeBytes);
        Assert.True(sqlite.CompactSlice(keysMax));
    }

    [Fact]
    public void A_range_is_paged_so_a_caller_taking_n_keys_reads_past_every_page_boundary_in_order()
    {
        using var sqlite = new SqliteMvccBackend(":memory:");
        var count = SqliteMvccBackend.RangePageRowsMax * 2 + 10;
        for (var i = 0; i < count; i++) sqlite.Write(ByteString.CopyFromUtf8($"k{i:D5}"), i, Kv(ByteString.CopyFromUtf8($"k{i:D5}"), 2, "v"));
        sqlite.Commit();
        var keys = sqlite.Range(KeyRange.Prefix(ByteString.CopyFromUtf8("k")), 2).Select(kv => kv.Key.ToStringUtf8()).ToList();
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"k{i:D5}"), keys);
    }

    [Fact]
    public void A_committed_batch_survives_reopening_with_its_applied_index_leases_and_sessions()
    {
        using (var store = new SqliteMvccBackend(Path))
        {
            store.BeginBatch();
            store.Write(K(1), 0, Kv(K(1), 2, "a"));
            store.Commit();
            store.Write(K(2), 0, Kv(K(2), 3, "b"));
            store.Commit();
            store.PutLease(7, 30);
            store.PutSession(new SessionRecord { ClientId = 9, LastSequence = 4, LastIndex = 12, LastReply = ByteString.CopyFromUtf8("r") });
            store.CommitBatch(12);
        }
        using var reopened = new SqliteMvccBackend(Path);
        Assert.Equal(12UL, reopened.AppliedIndex);
        Assert.Equal(3, reopened.CurrentRevision);
        Assert.Equal("b", reopened.Get(K(2), 3)!.Value.ToStringUtf8());
        Assert.Equal(new[] { new LeaseRecord { ID = 7, TTL = 30 } }, reopened.Leases());
        Assert.Equal(4UL, Assert.Single(reopened.Sessions()).LastSequence);
    }

    [Fact]
    public void An_unfinished_batch_leaves_neither_data_nor_applied_index()
    {
        using (var store = new SqliteMvccBackend(Path))
        {
            store.BeginBatch();
            store.Write(K(1), 0, Kv(K(1), 2, "a"));
            store.Commit();
            store.CommitBatch(5);
            store.BeginBatch();
            store.Write(K(2), 0, Kv(K(2), 3, "b"));
            store.Commit();
            store.PutLease(1, 10);
        } // disposed mid-batch: rolled back, as a crash would
        using var reopened = new SqliteMvccBackend(Path);
        Assert.Equal((5UL, 2L), (reopened.AppliedIndex, reopened.CurrentRevision));
        Assert.Null(reopened.Get(K(2), 3));
        Assert.Empty(reopened.Leases());
    }

    [Fact]
    public void A_corrupt_revision_is_detected_on_read()
    {
        using (var store = new SqliteMvccBackend(Path))
        {
            store.Write(K(1), 0, Kv(K(1), 2, "value"));
            store.Commit();
        }
        using (var connection = new SqliteConnection($"Data Source={Path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE mvcc_revisions SET sub = sub + 1";
            command.ExecuteNonQuery();
        }
        using var reopened = new SqliteMvccBackend(Path);
        var error = Assert.Throws<InvalidDataException>(() => reopened.Get(K(1), 2));
        Assert.Contains("fails its checksum", error.Message);
    }

    /// <summary>etcd's defragmentation on SQLite: compaction leaves free pages (size in use below size), and
    /// Defragment gives them back in the file on disk, not only in the page count; reads are unchanged.</summary>
    [Fact]
    public void Defragment_gives_the_pages_compaction_freed_back_to_the_file()
    {
        using var store = new SqliteMvccBackend(Path);
        var big = new string('x', 8 * 1024);
        for (var i = 0; i < 100; i++)
        {
            store.Write(K(i), 0, Kv(K(i), store.CurrentRevision + 1, big));
            store.Commit();
        }
        for (var i = 0; i < 100; i++)
        {
            store.Write(K(i), 0, null);
            store.Commit();
        }
        store.Compact(store.CurrentRevision);
        Assert.True(store.SizeInUseBytes < store.SizeBytes, $"in use {store.SizeInUseBytes} of {store.SizeBytes} after compaction");
        var before = store.SizeBytes;
        var latest = store.CurrentRevision;

        store.Defragment();

        Assert.True(store.SizeBytes < before / 4, $"{store.SizeBytes} bytes after defragmenting {before}");
        Assert.Equal(store.SizeBytes, store.SizeInUseBytes);
        Assert.Equal(store.SizeBytes, new FileInfo(Path).Length);
        Assert.Equal(0, new FileInfo(Path + "-wal").Length);
        Assert.Equal(latest, store.CurrentRevision);
        Assert.Null(store.Get(K(1), latest));
    }

    public void Dispose() => _dir.Dispose();
}
