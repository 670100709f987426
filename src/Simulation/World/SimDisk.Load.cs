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
        var image = new LogImage();
        for (var i = 0; i < _durable.Count; i++)
        {
            if (IsTorn(_durable[i].Bytes))
            {
                if (i != _durable.Count - 1) throw Corrupt($"record {i} is short but not the last");
                _durable.RemoveAt(i);
                TornTailsDiscarded++;
                break;
            }
            ApplyRecord(ReadRecord(i), image);
        }
        var state = new DurableState(image.HardState, image.Entries, image.Snapshot);
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
    private static void ApplyRecord(LogRecord record, LogImage image)
    {
        if (record.Snapshot is not null) ApplySnapshot(record.Snapshot, image);
        if (record.HardState is not null) image.HardState = record.HardState;
        if (record.Entries.Count == 0) return;
        var entries = image.Entries;
        var first = record.Entries[0].Index;
        if (first <= image.Base || first > image.Base + (ulong)entries.Count + 1)
            throw new InvalidDataException($"log record starts at {first} after a log ({image.Base}, {image.Base + (ulong)entries.Count}]");
        for (var i = 1; i < record.Entries.Count; i++)
            if (record.Entries[i].Index != first + (ulong)i)
                throw new InvalidDataException($"log record is not contiguous at position {i}");
        var from = (int)(first - image.Base - 1);
        entries.RemoveRange(from, entries.Count - from);
        entries.AddRange(record.Entries);
    }

    /// <summary>Raft §7 on disk: a snapshot drops the entries it covers. A compaction keeps the suffix after
    /// it when the stored entry there has the snapshot's term; an install (<c>replace_log</c>) drops the whole log.</summary>
    private static void ApplySnapshot(SnapshotRecord snapshot, LogImage image)
    {
        if (snapshot.Index == 0 || snapshot.Term == 0) throw new InvalidDataException("snapshot record without index or term");
        if (!snapshot.ReplaceLog && snapshot.Index <= image.Base) return; // an older compaction, superseded
        var entries = image.Entries;
        var at = snapshot.Index > image.Base ? (long)(snapshot.Index - image.Base - 1) : -1;
        if (!snapshot.ReplaceLog && at >= 0 && at < entries.Count && entries[(int)at].Term == snapshot.Term)
            entries.RemoveRange(0, (int)at + 1);
        else entries.Clear();
        image.Snapshot = snapshot;
    }

    /// <summary>The durable state being rebuilt from records: snapshot, hard state and the entries after the snapshot.</summary>
    internal sealed class LogImage
    {
        public HardState? HardState;
        public SnapshotRecord? Snapshot;
        public readonly List<Entry> Entries = new();
        public ulong Base => Snapshot?.Index ?? 0;
    }
}
