using Cairn.Core.Kv;
using Microsoft.Data.Sqlite;

namespace Cairn.Host.Storage;

/// <summary>
/// The durable <see cref="IMvccBackend"/> on SQLite: keys, revisions, leases, sessions and the applied index
/// in one database. Writes go into one open transaction; <see cref="BeginBatch"/> ... <see cref="CommitBatch"/>
/// makes a whole apply batch (many revisions) one transaction, with the applied index written inside it, so
/// the applied index always matches the data after a crash. Outside a batch each <see cref="Commit"/> is its
/// own transaction. Single-threaded: the node loop owns it. Not deterministic across processes only in
/// timing; reads are ordered by key and revision, so results are.
/// </summary>
public sealed partial class SqliteMvccBackend : IMvccBackend, IDisposable
{
    /// <summary>Rows read per query when paging a range or an export; a page of a LIST costs O(page).</summary>
    public const int RangePageRowsMax = 256;

    /// <summary>SQLite page cache of a file store, in KiB (SQLite's default is 2 MiB): an apply batch of a few
    /// hundred puts with scattered keys dirties more pages than that, and SQLite then spills them to the WAL
    /// mid-batch and writes them again at the commit.</summary>
    public const int CacheKiB = 32 * 1024;

    private readonly string _path;
    private SqliteConnection _connection;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private bool _inTransaction;
    private bool _inBatch;

    /// <summary>Opens (creating when missing) the store at <paramref name="path"/>; use <c>":memory:"</c> for a
    /// store that lives only as long as this object.</summary>
    public SqliteMvccBackend(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = path;
        _connection = Open();
        try
        {
            LoadMeta();
            StartCheckpointer();
        }
        catch
        {
            Close();
            throw;
        }
    }

    private bool InMemory => _path == ":memory:";

    /// <summary>A store written before <c>mvcc_live</c> existed gets it filled, once, in one transaction.</summary>
    private static void FillLiveIndexOnce(SqliteConnection connection)
    {
        if (MetaOf(connection, MvccSchema.LiveIndex) is not null) return;
        SqliteFiles.Execute(connection, "BEGIN IMMEDIATE");
        SqliteFiles.Execute(connection, MvccSchema.FillLive);
        using (var mark = SqliteFiles.Prepare(connection, "INSERT OR REPLACE INTO mvcc_meta (name, value, crc) VALUES ($n, 1, $c)", "$n", "$c"))
        {
            mark.Parameters[0].Value = MvccSchema.LiveIndex;
            mark.Parameters[1].Value = RecordChecksum.OfPair(MvccSchema.LiveIndex, 1);
            mark.ExecuteNonQuery();
        }
        SqliteFiles.Execute(connection, "COMMIT");
    }

    private WalCheckpointer? _checkpointer;

    /// <summary>Opens the database; a file with <c>synchronous=NORMAL</c>: a COMMIT writes the WAL without an
    /// fsync, and the background checkpointer syncs (<see cref="DurableAppliedIndex"/>).</summary>
    private SqliteConnection Open()
    {
        var connection = InMemory ? OpenInMemory() : SqliteFiles.Open(_path, syncEachCommit: false);
        SqliteFiles.Execute(connection, MvccSchema.Create);
        FillLiveIndexOnce(connection);
        if (!InMemory) SqliteFiles.Execute(connection, $"PRAGMA cache_size=-{CacheKiB}");
        return connection;
    }

    /// <summary>For a file, starts the background checkpointer (so the loop's batch commits never carry a
    /// checkpoint or an fsync); it syncs what was loaded at once, then each round the last commit.</summary>
    private void StartCheckpointer()
    {
        if (!InMemory) _checkpointer = new WalCheckpointer(_path, _connection, AppliedIndex);
    }

    private void LoadMeta()
    {
        CurrentRevision = ReadMeta(MvccSchema.CurrentRevision) ?? 1;
        CompactRevision = ReadMeta(MvccSchema.CompactRevision) ?? 0;
        AppliedIndex = (ulong)(ReadMeta(MvccSchema.AppliedIndex) ?? 0);
        LastLeaseId = ReadMeta(MvccSchema.LastLeaseId) ?? 0;
        _compactingTo = ReadMeta(MvccSchema.CompactingTo) ?? 0;
        _compactedThrough = null; // a restart resumes a pending compaction from the first key (idempotent)
    }

    /// <inheritdoc />
    public long CurrentRevision { get; private set; }

    /// <inheritdoc />
    public long CompactRevision { get; private set; }

    /// <summary>The Raft index the stored data covers: written in the same transaction as the data.</summary>
    public ulong AppliedIndex { get; private set; }

    /// <summary>
    /// The applied index of the last commit known to be on stable storage. A file commits its batches without
    /// an fsync (<c>synchronous=NORMAL</c>): a crash of the process loses nothing committed, but a power loss may
    /// take the store back to an older commit, never past this one; the background checkpointer syncs the files
    /// and then advances it (readable from any thread). In memory (the simulator) it is <see cref="AppliedIndex"/>:
    /// a simulated crash discards only what was not committed.
    /// </summary>
    public ulong DurableAppliedIndex => _checkpointer is { } checkpointer ? checkpointer.DurableAppliedIndex : AppliedIndex;

    /// <summary>Syncs every commit so far on the caller's thread and advances <see cref="DurableAppliedIndex"/>
    /// (what the background thread does each round; for tests and a clean close).</summary>
    internal void SyncCommitted() => _checkpointer?.SyncCommitted();

    /// <inheritdoc />
    /// <remarks>Always true, also for <c>":memory:"</c>: the simulator keeps such a store across a simulated
    /// crash and discards what was not committed (<see cref="DiscardUncommitted"/>).</remarks>
    public bool IsDurable => true;

    /// <inheritdoc />
    public long LastLeaseId { get; private set; }

    /// <inheritdoc />
    public void PutLastLeaseId(long id)
    {
        EnsureTransaction();
        WriteMeta(MvccSchema.LastLeaseId, id);
        LastLeaseId = id;
        CommitUnlessBatched();
    }

    /// <summary>
    /// What a crash does to the store: the open transaction (an uncommitted apply batch) is rolled back and
    /// the in-memory view is reloaded from what was committed. The simulator calls it when a node restarts
    /// over a store kept across its simulated crash.
    /// </summary>
    public void DiscardUncommitted()
    {
        if (_inTransaction) SqliteFiles.Execute(_connection, "ROLLBACK");
        _inTransaction = _inBatch = _revisionBeingBuilt = false;
        _writeGeneration++;
        LoadMeta();
    }

    /// <summary>Canary for the crash test: <see cref="CommitBatch"/> commits the data first (and syncs it) and writes
    /// the applied index in a second transaction, so a crash between them leaves data ahead of the index.</summary>
    internal bool AppliedIndexOutsideTransactionCanary { get; set; }

    /// <summary>Opens a transaction that spans every write until <see cref="CommitBatch"/>.</summary>
    public void BeginBatch()
    {
        if (_inBatch) throw new InvalidOperationException("an apply batch is already open");
        EnsureTransaction();
        _inBatch = true;
    }

    /// <summary>Writes <paramref name="appliedIndex"/> and commits the batch: data and index in one transaction
    /// (one fsync).</summary>
    public void CommitBatch(ulong appliedIndex)
    {
        if (!_inBatch) throw new InvalidOperationException("no apply batch is open");
        if (appliedIndex < AppliedIndex) throw new ArgumentOutOfRangeException(nameof(appliedIndex), $"applied index {appliedIndex} goes back from {AppliedIndex}");
        _inBatch = false;
        if (AppliedIndexOutsideTransactionCanary)
        {
            CommitTransaction();
            // The data's commit is made durable on its own, as a store that commits in two steps would: the fsync
            // holds the window between the two commits open for a kill to land in.
            if (!InMemory) SqliteFiles.SyncToDisk(_path);
            EnsureTransaction();
        }
        WriteMeta(MvccSchema.AppliedIndex, (long)appliedIndex);
        CommitTransaction();
        AppliedIndex = appliedIndex;
        _checkpointer?.Committed(appliedIndex);
    }

    /// <summary>Size of the database in bytes (its pages times the page size, free pages included), for the
    /// quota and etcd's dbSize.</summary>
    public long SizeBytes => Pragma("page_count") * Pragma("page_size");

    /// <summary>Bytes of the database's pages that hold data: <see cref="SizeBytes"/> without the free pages
    /// compaction left behind (etcd's dbSizeInUse); <see cref="Defragment"/> gives the difference back.</summary>
    public long SizeInUseBytes => (Pragma("page_count") - Pragma("freelist_count")) * Pragma("page_size");

    /// <summary>A PRAGMA's value through a cached prepared statement: the quota asks for the size on every write.</summary>
    private long Pragma(string name) => (long)Command("PRAGMA " + name, 0).ExecuteScalar()!;

    /// <summary>Rolls back an open transaction (a failed apply) and closes the database.</summary>
    public void Dispose()
    {
        if (_inTransaction) SqliteFiles.Execute(_connection, "ROLLBACK");
        _inTransaction = _inBatch = false;
        Close();
    }

    /// <summary>Stops the checkpointer first, so this connection is the last one and closing it checkpoints
    /// and removes the WAL (<see cref="InstallSnapshot"/> renames over the file afterwards).</summary>
    private void Close()
    {
        _checkpointer?.Dispose();
        _checkpointer = null;
        foreach (var command in _commands.Values) command.Dispose();
        _commands.Clear();
        _connection.Dispose();
    }

    private static SqliteConnection OpenInMemory()
    {
        var connection = new SqliteConnection("Data Source=:memory:;Pooling=False");
        connection.Open();
        return connection;
    }

    /// <summary>Opens the transaction a write goes into, unless open; every write passes here, so it also moves
    /// <see cref="_writeGeneration"/>.</summary>
    private void EnsureTransaction()
    {
        _writeGeneration++;
        if (_inTransaction) return;
        SqliteFiles.Execute(_connection, "BEGIN IMMEDIATE");
        _inTransaction = true;
    }

    private void CommitTransaction()
    {
        if (!_inTransaction) return;
        SqliteFiles.Execute(_connection, "COMMIT");
        _inTransaction = false;
    }

    /// <summary>Ends a write outside a batch: its own transaction commits now.</summary>
    private void CommitUnlessBatched()
    {
        if (!_inBatch) CommitTransaction();
    }

    /// <summary>A prepared command, cached by its SQL text; parameters are named <c>$0</c>, <c>$1</c>, ...</summary>
    private SqliteCommand Command(string sql, int parameters)
    {
        if (_commands.TryGetValue(sql, out var command)) return command;
        command = SqliteFiles.Prepare(_connection, sql, Enumerable.Range(0, parameters).Select(i => "$" + i).ToArray());
        _commands.Add(sql, command);
        return command;
    }

    private SqliteCommand Bind(string sql, params object?[] values)
    {
        var command = Command(sql, values.Length);
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
        return command;
    }

    private long? ReadMeta(string name) => MetaOf(_connection, name);

    private void WriteMeta(string name, long value) =>
        Bind("INSERT OR REPLACE INTO mvcc_meta (name, value, crc) VALUES ($0, $1, $2)", name, value, RecordChecksum.OfPair(name, value)).ExecuteNonQuery();

    internal static InvalidDataException Corrupt(string what) => new($"mvcc store corrupt: {what}; refusing to start");
}
