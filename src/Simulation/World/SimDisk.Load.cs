using System.Buffers.Binary;
using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;
using Cairn.Core.Wire;
using Google.Protobuf;

namespace Cairn.Simulation.World;

public sealed partial class SimDisk
{
    /// <summary>
    /// Loads the durable state. Each slot is classified (<see cref="Classify"/>); a record the reader cannot
    /// use is dropped only when it lies past the sync watermark and is torn or unwritten: then it and everything
    /// after it were never synced, so never acknowledged. Any other damage that survives
    /// <see cref="ReadRetriesMax"/> re-reads, or a log that ends before the watermark, means acknowledged state
    /// may be gone: the load throws and the node refuses to start (fail-stop, it stays down) rather than
    /// rejoin having forgotten a vote or an entry.
    /// </summary>
    public DurableState Load()
    {
        if (Corruption is not null) throw new InvalidDataException(Corruption);
        var image = new LogImage();
        var kept = 0;
        while (kept < _durable.Count)
        {
            var seq = _firstSeq + kept;
            var (state, record) = ReadRecord(kept, seq);
            if (state == SlotState.Intact) { ApplyRecord(record!, image); kept++; continue; }
            if (!EndsTheLog(state, seq, _durable[kept].Bytes)) throw Corrupt(Describe(state, kept, seq));
            break;
        }
        if (kept < _durable.Count)
        {
            _durable.RemoveRange(kept, _durable.Count - kept);
            TornTailsDiscarded++;
        }
        var last = _firstSeq + kept - 1;
        if (last < _syncedThrough && !LegacyReader)
            throw Corrupt($"the log ends at record {last} but records through {_syncedThrough} were synced (a lost write)");
        _nextSeq = last + 1;
        _syncedThrough = last; // what a started node acts on is durable: the host syncs the file before it starts
        var loaded = new DurableState(image.HardState, image.Entries, image.Snapshot);
        LostOnLoad = CompareWithMirror(image);
        ResetMirror(loaded);
        return loaded;
    }

    /// <summary>Set by a load that recovered a state other than the one this disk made durable (a torn tail
    /// excepted): what was lost. Only a canary reader can produce it; the safety checker reports it.</summary>
    public string? LostOnLoad { get; private set; }

    /// <summary>A canary reader that predates the watermark and the header checksum.</summary>
    private bool LegacyReader => Faults.CorruptLengthAsTornTail || Faults.HoleAsEndOfLog;

    /// <summary>Only a torn or unwritten slot past the sync watermark may end the log; canaries widen the rule.</summary>
    private bool EndsTheLog(SlotState state, long seq, byte[] bytes)
    {
        if (Faults.CorruptLengthAsTornTail && state != SlotState.Hole && LengthDisagrees(bytes)) return true;
        if (Faults.HoleAsEndOfLog && state == SlotState.Hole) return true;
        return state is SlotState.Torn or SlotState.Hole && seq > _syncedThrough;
    }

    private string Describe(SlotState state, int slot, long seq)
    {
        var synced = seq <= _syncedThrough ? "synced" : "unsynced";
        return state switch
        {
            SlotState.Hole => $"{synced} record {seq} (slot {slot}) was never written (a lost write)",
            SlotState.Torn => $"{synced} record {seq} (slot {slot}) is short: a synced record cannot be torn",
            SlotState.BadHeader => $"{synced} record {seq} (slot {slot}) fails its header checksum (length word or identity damaged) after {ReadRetriesMax} re-reads",
            SlotState.Misdirected => $"slot {slot} holds another record than {seq} (a misdirected write)",
            _ => $"{synced} record {seq} (slot {slot}) fails its checksum after {ReadRetriesMax} re-reads",
        };
    }

    /// <summary>Reads slot <paramref name="slot"/>, re-reading up to <see cref="ReadRetriesMax"/> times while it fails.</summary>
    private (SlotState State, LogRecord? Record) ReadRecord(int slot, long seq)
    {
        var state = SlotState.Intact;
        for (var attempt = 0; attempt <= ReadRetriesMax; attempt++)
        {
            var stored = _durable[slot];
            var bytes = stored.Bytes;
            var readFlip = Faults.ReadFlipRate > 0 && Faults.Random.Chance(Faults.ReadFlipRate);
            if (readFlip) bytes = FlipBit(bytes); // transient: the next read is clean
            state = Classify(bytes, seq);
            if (state == SlotState.BadPayload && Faults.SkipChecksum && bytes.Length >= HeaderBytes) state = SlotState.Intact;
            if (state != SlotState.Intact) continue;
            if (!readFlip && stored.Decoded is not null) return (state, stored.Decoded);
            try
            {
                return (state, LogRecord.Parser.ParseFrom(bytes.AsSpan(HeaderBytes)));
            }
            catch (InvalidProtocolBufferException) when (Faults.SkipChecksum)
            {
                return (state, new LogRecord());
            }
        }
        return (state, null);
    }

    private InvalidDataException Corrupt(string what)
    {
        Corruption = $"log disk corrupt: {what}; refusing to start";
        return new InvalidDataException(Corruption);
    }

    /// <summary>What the loaded image lacks or changes of the durable mirror (acknowledged writes and crash
    /// survivors), or null when they agree: the oracle behind the DurableStateRecovered invariant.</summary>
    private string? CompareWithMirror(LogImage loaded)
    {
        var m = _mirror;
        if ((m.HardState?.Term ?? 0) != (loaded.HardState?.Term ?? 0) || (m.HardState?.Vote ?? 0) != (loaded.HardState?.Vote ?? 0))
            return $"hard state term {m.HardState?.Term ?? 0} vote {m.HardState?.Vote ?? 0} came back as term {loaded.HardState?.Term ?? 0} vote {loaded.HardState?.Vote ?? 0}";
        if (m.Base != loaded.Base) return $"snapshot at {m.Base} came back at {loaded.Base}";
        if (m.Entries.Count != loaded.Entries.Count)
            return $"log ({m.Base}, {m.Base + (ulong)m.Entries.Count}] came back as ({loaded.Base}, {loaded.Base + (ulong)loaded.Entries.Count}]";
        for (var i = 0; i < m.Entries.Count; i++)
            if (m.Entries[i].Term != loaded.Entries[i].Term || m.Entries[i].Index != loaded.Entries[i].Index)
                return $"entry {m.Entries[i].Index} (term {m.Entries[i].Term}) came back as {loaded.Entries[i].Index} (term {loaded.Entries[i].Term})";
        return null;
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
