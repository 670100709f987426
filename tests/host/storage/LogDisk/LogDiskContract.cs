using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;
using Google.Protobuf;
using Xunit;

namespace Cairn.Host.Storage.Tests.LogDisk;

/// <summary>
/// The storage contract every <see cref="ILogDisk"/> keeps (design.md "Same tests, both worlds"): what was
/// reported durable is loaded back after a restart, with Raft's log rules (§5.3 truncation on conflict,
/// §5.1 hard state, §7 snapshots) and checksums that turn corruption into a refusal to start.
/// </summary>
public abstract class LogDiskContract : IDisposable
{
    private long _nextId;

    /// <summary>The disk under test (replaced by <see cref="Restart"/>).</summary>
    protected abstract ILogDisk Disk { get; }

    /// <summary>Waits until write <paramref name="id"/> is reported durable; the ids reported so far, in order.</summary>
    protected abstract void AwaitDurable(long id);

    /// <summary>Every id reported durable, in the order reported.</summary>
    protected abstract IReadOnlyList<long> DurableIds { get; }

    /// <summary>Stops the node and starts it again on the same storage (after every write was reported durable).</summary>
    protected abstract void Restart();

    /// <summary>Makes <paramref name="write"/> durable, but with one of its entries' stored bytes damaged.</summary>
    protected abstract void WriteCorrupted(DiskWrite write);

    public abstract void Dispose();

    protected static Entry E(ulong index, ulong term) =>
        new() { Index = index, Term = term, Data = ByteString.CopyFromUtf8($"entry {index} of term {term}") };

    protected static Entry[] Range(ulong from, ulong to, ulong term)
    {
        var entries = new Entry[to - from + 1];
        for (var i = from; i <= to; i++) entries[i - from] = E(i, term);
        return entries;
    }

    protected long Write(HardState? hardState, IReadOnlyList<Entry> entries, SnapshotRecord? snapshot = null)
    {
        var id = ++_nextId;
        Disk.Submit(new DiskWrite(id, hardState, entries, snapshot));
        AwaitDurable(id);
        return id;
    }

    protected DurableState RestartAndLoad()
    {
        Restart();
        return Disk.Load();
    }

    private static void AssertLog(DurableState state, params (ulong Index, ulong Term)[] expected)
    {
        Assert.Equal(expected, state.Entries.Select(e => (e.Index, e.Term)).ToArray());
        foreach (var entry in state.Entries) Assert.Equal(E(entry.Index, entry.Term), entry);
    }

    [Fact]
    public void Fresh_disk_loads_empty()
    {
        var state = Disk.Load();
        Assert.Null(state.HardState);
        Assert.Null(state.Snapshot);
        Assert.Empty(state.Entries);
    }

    [Fact]
    public void Durable_entries_and_hard_state_survive_a_restart()
    {
        Write(new HardState { Term = 1, Vote = 2, Commit = 0 }, Range(1, 3, 1));
        Write(null, Range(4, 5, 1));
        var state = RestartAndLoad();
        Assert.Equal(new HardState { Term = 1, Vote = 2 }, state.HardState);
        AssertLog(state, (1, 1), (2, 1), (3, 1), (4, 1), (5, 1));
    }

    [Fact]
    public void Section_5_1_latest_hard_state_wins_and_survives_entry_only_writes()
    {
        Write(new HardState { Term = 1, Vote = 1 }, Array.Empty<Entry>());
        Write(new HardState { Term = 3, Vote = 2, Commit = 4 }, Range(1, 1, 3));
        Write(null, Range(2, 2, 3));
        Assert.Equal(new HardState { Term = 3, Vote = 2, Commit = 4 }, RestartAndLoad().HardState);
    }

    [Fact]
    public void Section_5_3_a_conflicting_append_truncates_the_suffix()
    {
        Write(null, Range(1, 6, 1));
        Write(new HardState { Term = 2 }, Range(3, 4, 2));
        AssertLog(RestartAndLoad(), (1, 1), (2, 1), (3, 2), (4, 2));
    }

    [Fact]
    public void Section_7_a_compaction_snapshot_drops_the_entries_it_covers()
    {
        Write(null, Range(1, 10, 1));
        Write(null, Array.Empty<Entry>(), new SnapshotRecord { Index = 6, Term = 1, Data = ByteString.CopyFromUtf8("s6") });
        var state = RestartAndLoad();
        Assert.Equal(6UL, state.Snapshot!.Index);
        Assert.Equal("s6", state.Snapshot.Data.ToStringUtf8());
        AssertLog(state, (7, 1), (8, 1), (9, 1), (10, 1));
    }

    [Fact]
    public void Section_7_an_installed_snapshot_replaces_the_whole_log()
    {
        Write(null, Range(1, 10, 1));
        Write(new HardState { Term = 3 }, Array.Empty<Entry>(), new SnapshotRecord { Index = 20, Term = 3, ReplaceLog = true });
        Write(null, Range(21, 22, 3));
        var state = RestartAndLoad();
        Assert.Equal((20UL, 3UL), (state.Snapshot!.Index, state.Snapshot.Term));
        AssertLog(state, (21, 3), (22, 3));
    }

    [Fact]
    public void Section_7_a_snapshot_whose_term_conflicts_with_the_log_drops_every_entry()
    {
        Write(null, Range(1, 5, 1));
        Write(null, Array.Empty<Entry>(), new SnapshotRecord { Index = 3, Term = 2 });
        AssertLog(RestartAndLoad());
    }

    [Fact]
    public void Completions_are_reported_once_per_write_in_submission_order()
    {
        const int writes = 200;
        for (var i = 1; i <= writes; i++) Disk.Submit(new DiskWrite(++_nextId, null, Range((ulong)i, (ulong)i, 1)));
        AwaitDurable(_nextId);
        Assert.Equal(Enumerable.Range(1, writes).Select(i => (long)i), DurableIds);
        Assert.Equal(writes, RestartAndLoad().Entries.Count);
    }

    [Fact]
    public void A_corrupt_record_is_detected_on_load_and_the_node_refuses_to_start()
    {
        Write(new HardState { Term = 1, Vote = 1 }, Range(1, 3, 1));
        WriteCorrupted(new DiskWrite(++_nextId, null, Range(4, 4, 1)));
        Restart();
        var error = Assert.Throws<InvalidDataException>(() => Disk.Load());
        Assert.Contains("refusing to start", error.Message);
    }
}
