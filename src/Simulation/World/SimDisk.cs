using System.Buffers.Binary;
using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;
using Cairn.Core.Wire;
using Cairn.Simulation.Engine;
using Google.Protobuf;

namespace Cairn.Simulation.World;

/// <summary>
/// A simulated Raft log disk. Writes are volatile until their sync completes; a crash drops every
/// unsynced write. Records are stored as <c>[u32 length][u32 CRC-32C][LogRecord]</c> and verified on load.
/// </summary>
public sealed class SimDisk : ILogDisk
{
    /// <summary>Records kept before the durable log is folded into one checkpoint record.</summary>
    public const int RecordsBeforeFoldMax = 512;

    private readonly List<byte[]> _durable = new();
    private readonly List<(long Id, byte[] Record, LogRecord Decoded)> _volatile = new();
    private readonly List<ulong> _durableTerms = new();
    private readonly List<Entry> _durableEntries = new();
    private HardState? _durableHardState;

    /// <summary>Called on submit with (write id, record bytes); the world schedules the completion.</summary>
    public Action<long>? OnSubmit { get; set; }

    /// <summary>Terms of the durable log by index (position 0 = index 1), for checkers.</summary>
    public IReadOnlyList<ulong> DurableTerms => _durableTerms;

    /// <summary>Simulated time at which the last submitted sync completes; syncs finish in order.</summary>
    public long BusyUntil { get; set; }

    /// <summary>Writes submitted and made durable so far.</summary>
    public long Submitted, Synced;

    /// <inheritdoc />
    public DurableState Load()
    {
        HardState? hardState = null;
        var entries = new List<Entry>();
        foreach (var bytes in _durable)
        {
            var record = Decode(bytes);
            ApplyRecord(record, entries, ref hardState);
        }
        return new DurableState(hardState, entries);
    }

    /// <inheritdoc />
    public void Submit(DiskWrite write)
    {
        var record = new LogRecord { HardState = write.HardState };
        record.Entries.AddRange(write.Entries);
        _volatile.Add((write.Id, Encode(record), record));
        Submitted++;
        OnSubmit?.Invoke(write.Id);
    }

    /// <summary>The sync of write <paramref name="id"/> completed: it and every earlier write are durable.</summary>
    public void CompleteThrough(long id)
    {
        var n = 0;
        while (n < _volatile.Count && _volatile[n].Id <= id)
        {
            _durable.Add(_volatile[n].Record);
            MirrorTerms(_volatile[n].Decoded);
            n++;
            Synced++;
        }
        _volatile.RemoveRange(0, n);
        if (_durable.Count > RecordsBeforeFoldMax) Fold();
    }

    /// <summary>The process crashed: unsynced writes are lost.</summary>
    public void Crash() => _volatile.Clear();

    private void MirrorTerms(LogRecord record)
    {
        ApplyRecord(record, _durableEntries, ref _durableHardState);
        if (record.Entries.Count == 0) return;
        var first = (int)record.Entries[0].Index;
        if (_durableTerms.Count >= first) _durableTerms.RemoveRange(first - 1, _durableTerms.Count - first + 1);
        foreach (var e in record.Entries) _durableTerms.Add(e.Term);
    }

    /// <summary>Folds the durable records into one checkpoint record built from the decoded mirror.</summary>
    private void Fold()
    {
        var record = new LogRecord { HardState = _durableHardState };
        record.Entries.AddRange(_durableEntries);
        _durable.Clear();
        _durable.Add(Encode(record));
    }

    private static void ApplyRecord(LogRecord record, List<Entry> entries, ref HardState? hardState)
    {
        if (record.HardState is not null) hardState = record.HardState;
        if (record.Entries.Count == 0) return;
        var first = (int)record.Entries[0].Index;
        if (first > entries.Count + 1) throw new InvalidDataException($"log record starts at {first} after a log ending at {entries.Count}");
        entries.RemoveRange(first - 1, entries.Count - first + 1);
        entries.AddRange(record.Entries);
    }

    private static byte[] Encode(LogRecord record)
    {
        var payload = record.ToByteArray();
        var bytes = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), Crc32C.Compute(payload));
        payload.CopyTo(bytes, 8);
        return bytes;
    }

    private static LogRecord Decode(byte[] bytes)
    {
        if (bytes.Length < 8) throw new InvalidDataException("log record shorter than its header");
        var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        if (length != bytes.Length - 8) throw new InvalidDataException("log record length mismatch");
        var payload = bytes.AsSpan(8);
        if (Crc32C.Compute(payload) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)))
            throw new InvalidDataException("log record checksum mismatch");
        return LogRecord.Parser.ParseFrom(payload);
    }
}
