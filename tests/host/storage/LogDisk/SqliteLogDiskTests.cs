using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Cairn.Host.Storage.Tests.LogDisk;

/// <summary>What only the SQLite log disk does: group commit, back-pressure limits, a full disk, fail-stop.</summary>
public sealed class SqliteLogDiskTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly DurabilityLog _log = new();

    private SqliteLogDisk Open() => new(_dir.File("log.db"), _log.Durable, _log.Failed);

    private static DiskWrite Write(long id, ulong index, int bytes = 16) =>
        new(id, null, new[] { new Entry { Index = index, Term = 1, Data = ByteString.CopyFrom(new byte[bytes]) } });

    [Fact]
    public void Group_commit_writes_submitted_during_a_sync_share_one_transaction()
    {
        using var disk = Open();
        using var gate = new ManualResetEventSlim(false);
        using var entered = new ManualResetEventSlim(false);
        disk.BeforeCommit = _ => { entered.Set(); gate.Wait(); };
        disk.Submit(Write(1, 1)); // the writer takes it and waits inside its "sync"
        Assert.True(entered.Wait(TimeSpan.FromSeconds(30)), "the writer never started its first commit");
        for (var i = 2; i <= 300; i++) disk.Submit(Write(i, (ulong)i));
        gate.Set();
        _log.AwaitThrough(300);
        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long)i), _log.Ids);
        Assert.Equal(2, disk.Commits); // write 1 alone, then the 299 that queued behind its sync
    }

    [Fact]
    public void Write_ids_must_increase()
    {
        using var disk = Open();
        disk.Submit(Write(5, 1));
        Assert.Throws<ArgumentException>(() => disk.Submit(Write(5, 2)));
    }

    [Fact]
    public void A_write_that_cannot_follow_the_log_fails_the_disk_and_every_later_write()
    {
        var failed = new List<long>();
        using var disk = new SqliteLogDisk(_dir.File("log.db"), _log.Durable, (id, _) => { lock (failed) failed.Add(id); _log.Failed(id, "x"); });
        disk.Submit(Write(1, 1));
        _log.AwaitThrough(1);
        disk.Submit(Write(2, 5)); // a gap: index 5 after a log ending at 1
        disk.Submit(Write(3, 2));
        disk.Dispose();
        Assert.Equal(new long[] { 2, 3 }, failed);
        Assert.Equal(new long[] { 1 }, _log.Ids);
    }

    [Fact]
    public void A_full_disk_sets_OutOfSpace_and_the_write_waits_until_space_returns()
    {
        using var disk = Open();
        var pages = 0L;
        disk.BeforeCommit = connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA max_page_count={Interlocked.Read(ref pages)}";
            command.ExecuteNonQuery();
        };
        Interlocked.Exchange(ref pages, 1_000_000);
        disk.Submit(Write(1, 1));
        _log.AwaitThrough(1);
        Interlocked.Exchange(ref pages, 1); // below the current size: the next write hits SQLITE_FULL
        disk.Submit(Write(2, 2, bytes: 64 * 1024));
        SpinWait.SpinUntil(() => disk.OutOfSpace, DurabilityLog.AwaitMsMax);
        Assert.True(disk.OutOfSpace);
        Assert.Equal(new long[] { 1 }, _log.Ids);
        Interlocked.Exchange(ref pages, 1_000_000);
        _log.AwaitThrough(2);
        Assert.False(disk.OutOfSpace);
        disk.Dispose();
        using var reopened = Open();
        Assert.Equal(2, reopened.Load().Entries.Count);
    }

    [Fact]
    public void The_database_is_in_WAL_mode_with_full_sync()
    {
        using var disk = Open();
        string? mode = null;
        long sync = -1;
        disk.BeforeCommit = connection =>
        {
            mode = SqliteFiles.Scalar(connection, "PRAGMA journal_mode") as string;
            sync = (long)SqliteFiles.Scalar(connection, "PRAGMA synchronous")!;
        };
        disk.Submit(Write(1, 1));
        _log.AwaitThrough(1);
        Assert.Equal("wal", mode);
        Assert.Equal(2L, sync); // FULL
    }

    public void Dispose() => _dir.Dispose();
}

/// <summary>A damaged database file is corruption, not a crash: the node refuses to start with a clear error.</summary>
public sealed class SqliteDamagedFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void A_file_that_is_not_a_database_refuses_to_start()
    {
        var path = _dir.File("log.db");
        File.WriteAllBytes(path, Enumerable.Range(0, 8192).Select(i => (byte)(i * 31)).ToArray());
        var error = Assert.Throws<InvalidDataException>(() => new SqliteLogDisk(path, _ => { }, (_, _) => { }).Dispose());
        Assert.Contains("refusing to start", error.Message);
    }

    public void Dispose() => _dir.Dispose();
}
