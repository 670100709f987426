using System.Buffers.Binary;
using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;
using Cairn.Core.Wire;
using Google.Protobuf;

namespace Cairn.Simulation.World;

/// <summary>
/// A simulated Raft log disk. Writes are volatile until their sync completes; a crash drops unsynced
/// writes (or, with torn writes, keeps a prefix whose last record may be cut short). The record format
/// and the sync watermark are in <c>SimDisk.Format.cs</c>. Loading discards a torn tail past the
/// watermark (never acknowledged) and refuses to start on any other damage, so a node never forgets
/// what it acknowledged.
/// </summary>
public sealed partial class SimDisk : ILogDisk
{
    /// <summary>Records kept before the durable log is folded into one checkpoint record.</summary>
    public const int RecordsBeforeFoldMax = 512;

    /// <summary>Re-reads of a record whose checksum fails before the disk is declared corrupt.</summary>
    public const int ReadRetriesMax = 2;

    /// <summary>Stored records, each with the record it was encoded from while its bytes are untouched
    /// (a decode cache: loading still verifies every checksum, but skips re-parsing intact records).</summary>
    private readonly List<StoredRecord> _durable = new();

    private readonly record struct StoredRecord(byte[] Bytes, LogRecord? Decoded);

    /// <summary>Entries per checkpoint record when folding, so no record reaches the large-object heap.</summary>
    public const int FoldEntriesPerRecordMax = 256;
    private readonly List<(long Id, byte[] Record, LogRecord Decoded)> _volatile = new();
    /// <summary>The checkers' mirror of the durable state (snapshot, hard state, entries after the snapshot).</summary>
    private LogImage _mirror = new();

    /// <summary>Creates a disk with the given faults.</summary>
    public SimDisk(DiskFaults faults) => Faults = faults;

    /// <summary>The faults this disk suffers.</summary>
    public DiskFaults Faults { get; set; }

    /// <summary>Called on submit with the write id; the world schedules the completion.</summary>
    public Action<long>? OnSubmit { get; set; }

    /// <summary>The index of the durable snapshot (0 when none), for checkers.</summary>
    public ulong DurableSnapshotIndex => _mirror.Base;

    /// <summary>True when the durable state holds the entry (<paramref name="index"/>, <paramref name="term"/>):
    /// as a stored entry, or covered by the durable snapshot (which holds only committed entries).</summary>
    public bool DurablyHolds(ulong index, ulong term)
    {
        if (index <= _mirror.Base) return true;
        var at = index - _mirror.Base - 1;
        return at < (ulong)_mirror.Entries.Count && _mirror.Entries[(int)at].Term == term;
    }

    /// <summary>Stored entries after the durable snapshot, for checkers.</summary>
    public int DurableEntryCount => _mirror.Entries.Count;

    /// <summary>Simulated time at which the last submitted sync completes; syncs finish in order.</summary>
    public long BusyUntil { get; set; }

    /// <summary>Until this simulated time the disk has no free space.</summary>
    public long FullUntil { get; set; }

    /// <summary>The world's clock, so <see cref="OutOfSpace"/> can be answered.</summary>
    public Func<long> Now { get; set; } = () => 0;

    /// <summary>When set, the next sync fails (the fault is consumed).</summary>
    public bool FailNextSync { get; set; }

    /// <summary>Set when a load found corruption; the node refuses to start until repaired by an operator.</summary>
    public string? Corruption { get; private set; }

    /// <summary>Writes submitted, made durable, torn tails discarded and records flipped so far.</summary>
    public long Submitted, Synced, TornTailsDiscarded, RecordsFlipped;

    /// <summary>Compaction snapshots (not installs) made durable on this disk.</summary>
    public long CompactionsSynced;

    /// <inheritdoc />
    public bool OutOfSpace => Now() < FullUntil;

    /// <summary>The snapshot files beside this log: owned by the disk, so they outlive node restarts as it does.</summary>
    public SimSnapshotStore SnapshotFiles { get; } = new();

    /// <inheritdoc />
    public ISnapshotStore? Snapshots => SnapshotFiles;

    /// <inheritdoc />
    public void Submit(DiskWrite write)
    {
        var record = new LogRecord { HardState = write.HardState, Snapshot = write.Snapshot };
        record.Entries.AddRange(write.Entries);
        _volatile.Add((write.Id, Encode(record, _nextSeq++), record));
        Submitted++;
        OnSubmit?.Invoke(write.Id);
    }

    /// <summary>The sync of write <paramref name="id"/> completed: it and every earlier write are durable.</summary>
    public void CompleteThrough(long id)
    {
        var n = 0;
        while (n < _volatile.Count && _volatile[n].Id <= id)
        {
            Store(_volatile[n].Record, _volatile[n].Decoded);
            _syncedThrough = _firstSeq + _durable.Count - 1;
            Mirror(_volatile[n].Decoded);
            if (_volatile[n].Decoded.Snapshot is { ReplaceLog: false }) CompactionsSynced++;
            n++;
            Synced++;
        }
        _volatile.RemoveRange(0, n);
        if (_durable.Count > RecordsBeforeFoldMax) Fold();
    }

    /// <summary>Bytes of the snapshot that unsynced write <paramref name="id"/> carries (0: none, or not pending).</summary>
    public long SnapshotBytesOf(long id)
    {
        foreach (var (writeId, _, decoded) in _volatile)
            if (writeId == id) return decoded.Snapshot is { } snapshot ? SnapshotBytes(snapshot) : 0;
        return 0;
    }

    /// <summary>A snapshot's size: the named file's length, or the inline bytes.</summary>
    private static long SnapshotBytes(SnapshotRecord snapshot) =>
        snapshot.File.Length > 0 ? (long)snapshot.Length : snapshot.Data.Length;

    /// <summary>Writes submitted and not yet synced.</summary>
    public int Unsynced => _volatile.Count;

    /// <summary>Only write <paramref name="id"/> reached the platter (a disk that reorders syncs: the
    /// accept-out-of-order-completion canary); earlier writes stay volatile.</summary>
    public void CompleteOnly(long id)
    {
        var n = _volatile.FindIndex(v => v.Id == id);
        if (n < 0) return;
        var (_, bytes, decoded) = _volatile[n];
        _durable.Add(new StoredRecord(bytes, decoded));
        // Landing ahead of older writes, the record may not follow the log as mirrored: the mirror then keeps
        // what it has, and a later load reports the hole as corruption.
        try { Mirror(decoded); }
        catch (InvalidDataException) { }
        _volatile.RemoveAt(n);
        Synced++;
    }

    /// <summary>The process crashed: unsynced writes are lost, or with torn writes a prefix survives. Committed
    /// snapshot files survive; snapshot writers still open are lost.</summary>
    public void Crash()
    {
        SnapshotFiles.Crash();
        if (Faults.TornWrites && _volatile.Count > 0)
        {
            var keep = Faults.Random.Next(0, _volatile.Count + 1);
            for (var i = 0; i < keep; i++)
            {
                var bytes = _volatile[i].Record;
                var torn = i == keep - 1 && Faults.Random.Chance(0.5);
                if (torn) bytes = bytes[..Faults.Random.Next(1, bytes.Length)];
                _durable.Add(new StoredRecord(bytes, torn ? null : _volatile[i].Decoded));
                // Survivors were never acknowledged, but they are on disk now: a load must find them. After a
                // reordered sync (CompleteOnly) a survivor may not follow the mirror: as there, the mirror keeps
                // what it has and the load reports the hole.
                if (!torn)
                {
                    try { Mirror(_volatile[i].Decoded); }
                    catch (InvalidDataException) { }
                }
            }
        }
        _volatile.Clear();
        _nextSeq = _firstSeq + _durable.Count;
    }

    /// <summary>Rebuilds the checkers' mirror of the durable log from what a successful load found.</summary>
    internal void ResetMirror(DurableState state)
    {
        _mirror = new LogImage { HardState = state.HardState, Snapshot = state.Snapshot };
        _mirror.Entries.AddRange(state.Entries);
    }

    private void Mirror(LogRecord record) => ApplyRecord(record, _mirror);

    /// <summary>Folds the durable records into one checkpoint record built from the decoded mirror.</summary>
    private void Fold()
    {
        if (Faults.Damaging) return; // a real disk would rewrite from its own (possibly rotten) bytes
        _durable.Clear();
        _firstSeq = _nextSeq; // a new log file; writes still in flight are renumbered after its records
        var entries = _mirror.Entries;
        for (var start = 0; start < Math.Max(1, entries.Count); start += FoldEntriesPerRecordMax)
        {
            var record = new LogRecord { HardState = start == 0 ? _mirror.HardState : null, Snapshot = start == 0 ? _mirror.Snapshot : null };
            for (var i = start; i < Math.Min(entries.Count, start + FoldEntriesPerRecordMax); i++) record.Entries.Add(entries[i]);
            _durable.Add(new StoredRecord(Encode(record, _firstSeq + _durable.Count), record));
        }
        _syncedThrough = _firstSeq + _durable.Count - 1;
        _nextSeq = _syncedThrough + 1;
        for (var i = 0; i < _volatile.Count; i++)
            _volatile[i] = (_volatile[i].Id, Encode(_volatile[i].Decoded, _nextSeq++), _volatile[i].Decoded);
    }

    private byte[] FlipBit(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        FlipOne(copy, Faults.Random.Next(0, copy.Length * 8)); // anywhere: the header checksum covers the length word
        RecordsFlipped++;
        return copy;
    }
}
