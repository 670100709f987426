using System.Buffers.Binary;
using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;
using Cairn.Core.Wire;
using Google.Protobuf;

namespace Cairn.Simulation.World;

public sealed partial class SimDisk
{
    /// <summary>
    /// Loads the durable state. A short last record is a torn write that was never synced, so it is
    /// dropped. Any other checksum failure that survives <see cref="ReadRetriesMax"/> re-reads means the
    /// durable log is corrupt: the load throws and the node refuses to start, because carrying on
    /// could forget an acknowledged entry or vote.
    /// </summary>
    public DurableState Load()
    {
        if (Corruption is not null) throw new InvalidDataException(Corruption);
        HardState? hardState = null;
        var entries = new List<Entry>();
        for (var i = 0; i < _durable.Count; i++)
        {
            if (IsTorn(_durable[i].Bytes))
            {
                if (i != _durable.Count - 1) throw Corrupt($"record {i} is short but not the last");
                _durable.RemoveAt(i);
                TornTailsDiscarded++;
                break;
            }
            ApplyRecord(ReadRecord(i), entries, ref hardState);
        }
        var state = new DurableState(hardState, entries);
        ResetMirror(state);
        return state;
    }

    private static bool IsTorn(byte[] bytes) =>
        bytes.Length < 8 || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != bytes.Length - 8;

    private LogRecord ReadRecord(int i)
    {
        for (var attempt = 0; attempt <= ReadRetriesMax; attempt++)
        {
            var stored = _durable[i];
            var bytes = stored.Bytes;
            var readFlip = Faults.Random.Chance(Faults.ReadFlipRate);
            if (readFlip) bytes = FlipBit(bytes); // transient: the next read is clean
            var payload = bytes.AsSpan(8);
            var valid = Crc32C.Compute(payload) == BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4));
            if (!valid && !Faults.SkipChecksum) continue;
            if (valid && !readFlip && stored.Decoded is not null) return stored.Decoded;
            try
            {
                return LogRecord.Parser.ParseFrom(payload);
            }
            catch (InvalidProtocolBufferException) when (Faults.SkipChecksum)
            {
                return new LogRecord();
            }
        }
        throw Corrupt($"record {i} fails its checksum after {ReadRetriesMax} re-reads");
    }

    private InvalidDataException Corrupt(string what)
    {
        Corruption = $"log disk corrupt: {what}; refusing to start";
        return new InvalidDataException(Corruption);
    }

    /// <summary>Applies one record to the log being rebuilt; a record that cannot follow the log (which only
    /// an unchecked, corrupt record can produce) is reported as corruption, never as a crash.</summary>
    private static void ApplyRecord(LogRecord record, List<Entry> entries, ref HardState? hardState)
    {
        if (record.HardState is not null) hardState = record.HardState;
        if (record.Entries.Count == 0) return;
        var first = record.Entries[0].Index;
        if (first < 1 || first > (ulong)entries.Count + 1)
            throw new InvalidDataException($"log record starts at {first} after a log ending at {entries.Count}");
        for (var i = 1; i < record.Entries.Count; i++)
            if (record.Entries[i].Index != first + (ulong)i)
                throw new InvalidDataException($"log record is not contiguous at position {i}");
        entries.RemoveRange((int)first - 1, entries.Count - (int)first + 1);
        entries.AddRange(record.Entries);
    }
}
