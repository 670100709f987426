using System.Buffers.Binary;
using Cairn.Core.Raft.Wire;
using Cairn.Core.Wire;
using Google.Protobuf;

namespace Cairn.Simulation.World;

/// <summary>
/// The on-disk record format. Every record carries its own identity and a checksum over its header, so
/// that a reader can tell apart what a checksum over the payload alone cannot:
/// <code>[u32 payload length][u64 sequence][u32 CRC-32C(payload)][u32 CRC-32C(bytes 0..16)][LogRecord payload]</code>
/// The sequence is the record's position in the log file (first sequence + slot); the header checksum
/// covers the length word, the sequence and the payload checksum. Beside the log the disk keeps a
/// <em>sync watermark</em>: the sequence of the last record whose fsync completed, written after the
/// fsync and before any acknowledgement (a host keeps it in a redundantly written superblock, as
/// TigerBeetle does; the simulator's faults never hit it). Only a record past the watermark may be a torn tail.
/// </summary>
public sealed partial class SimDisk
{
    /// <summary>Bytes of a record header.</summary>
    public const int HeaderBytes = 20;

    /// <summary>The sequence of slot 0 of the current log file (a fold starts a new file).</summary>
    private long _firstSeq;
    /// <summary>The sequence the next submitted record gets.</summary>
    private long _nextSeq;
    /// <summary>The sync watermark: every record up to this sequence was fsynced (and may have been acknowledged).</summary>
    private long _syncedThrough = -1;

    /// <summary>The sync watermark, for tests: the last sequence whose fsync completed (-1 when none).</summary>
    public long SyncedThrough => _syncedThrough;

    private static byte[] Encode(LogRecord record, long seq)
    {
        var payload = record.ToByteArray();
        var bytes = new byte[HeaderBytes + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)payload.Length);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(4), seq);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), Crc32C.Compute(payload));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), Crc32C.Compute(bytes.AsSpan(0, 16)));
        payload.CopyTo(bytes, HeaderBytes);
        return bytes;
    }

    /// <summary>What reading one slot found.</summary>
    internal enum SlotState
    {
        /// <summary>Header and payload verify and the record is where its sequence says.</summary>
        Intact,
        /// <summary>Fewer bytes than a header, or a verified header whose payload is cut short: a torn write.</summary>
        Torn,
        /// <summary>All-zero header: the slot was never written (a lost write, if the watermark covers it).</summary>
        Hole,
        /// <summary>The header checksum fails: the length word, the sequence or the payload checksum is damaged.</summary>
        BadHeader,
        /// <summary>A verified header naming another sequence: a misdirected write landed here.</summary>
        Misdirected,
        /// <summary>The header verifies but the payload fails its checksum (or is longer than its length word).</summary>
        BadPayload,
    }

    /// <summary>Classifies the bytes of the slot that should hold sequence <paramref name="seq"/>.</summary>
    internal static SlotState Classify(ReadOnlySpan<byte> bytes, long seq)
    {
        if (bytes.Length < HeaderBytes) return bytes.ContainsAnyExcept((byte)0) ? SlotState.Torn : SlotState.Hole;
        var header = bytes[..HeaderBytes];
        if (!header.ContainsAnyExcept((byte)0)) return SlotState.Hole;
        if (Crc32C.Compute(header[..16]) != BinaryPrimitives.ReadUInt32LittleEndian(header[16..])) return SlotState.BadHeader;
        if (BinaryPrimitives.ReadInt64LittleEndian(header[4..]) != seq) return SlotState.Misdirected;
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var payload = bytes[HeaderBytes..];
        if ((uint)payload.Length < length) return SlotState.Torn;
        if ((uint)payload.Length > length || Crc32C.Compute(payload) != BinaryPrimitives.ReadUInt32LittleEndian(header[12..])) return SlotState.BadPayload;
        return SlotState.Intact;
    }

    /// <summary>The length word disagrees with the bytes present: what the legacy reader took for a torn write.</summary>
    private static bool LengthDisagrees(byte[] bytes) =>
        bytes.Length < HeaderBytes || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != bytes.Length - HeaderBytes;
}
