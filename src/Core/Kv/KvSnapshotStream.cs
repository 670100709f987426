using Cairn.Core.Kv.Wire;
using Google.Protobuf;

namespace Cairn.Core.Kv;

/// <summary>
/// Writes a <see cref="KvSnapshot"/> to a stream piece by piece: the header (every field but the keys) first, then
/// each key record as one more <c>keys</c> field (4). Protobuf merges concatenated fields into one message, so the
/// bytes parse as the same <see cref="KvSnapshot"/> whatever the field order; only one key record is in memory at a time.
/// </summary>
internal static class KvSnapshotWriter
{
    private const int KeysField = 4;

    /// <summary>Writes <paramref name="header"/> (its <c>keys</c> ignored) and then <paramref name="keys"/>, read
    /// one at a time, to <paramref name="destination"/>; flushes at the end.</summary>
    public static void Write(Stream destination, KvSnapshot header, IEnumerable<KeyHistoryRecord> keys)
    {
        // The coded stream buffers a few KiB and hands them to the destination as its buffer fills.
        using var output = new CodedOutputStream(destination, leaveOpen: true);
        header.WriteTo(output);
        foreach (KeyHistoryRecord key in keys)
        {
            output.WriteTag(KeysField, WireFormat.WireType.LengthDelimited);
            output.WriteMessage(key);
        }
        output.Flush();
    }
}

/// <summary>
/// Reads a <see cref="KvSnapshot"/> from a stream field by field, holding one field at a time: every field but the
/// keys goes into <see cref="Header"/>; the keys come out of <see cref="Keys"/> lazily, as the store imports them.
/// Takes the fields in any order (a snapshot from <see cref="KvSnapshotWriter"/> has the keys last; one from
/// <c>ToByteArray</c> has them between the revisions and the leases), except that the revisions must precede the
/// keys, since the store imports the keys under them. Unknown fields are skipped. A truncated or malformed stream
/// throws <see cref="InvalidDataException"/>; a stream cut exactly between two fields reads as a shorter snapshot,
/// which the snapshot store's length and CRC catch before the bytes reach here.
/// </summary>
/// <remarks>Frames the top-level fields itself rather than through a <see cref="CodedInputStream"/> over the
/// stream, which refuses input beyond 2 GiB; each field's bytes are parsed from a buffer as large as the largest
/// field.</remarks>
internal sealed class KvSnapshotReader(Stream source)
{
    private const uint AppliedIndexTag = 8, CurrentRevisionTag = 16, CompactRevisionTag = 24, KeysTag = 34;
    private const uint LeasesTag = 42, LastLeaseIdTag = 48, SessionsTag = 58, AlarmsTag = 66;

    private readonly Stream _source = source is BufferedStream or MemoryStream or FileStream ? source : new BufferedStream(source);
    private byte[] _field = new byte[256];
    private KeyHistoryRecord? _pendingKey;
    private bool _keysStarted;

    /// <summary>Every field but the keys read so far (all of them once <see cref="Keys"/> ran to its end).</summary>
    public KvSnapshot Header { get; } = new();

    /// <summary>Reads fields up to the first key record or the end of the stream.</summary>
    public void ReadHeader()
    {
        while (_pendingKey is null && ReadField())
        {
        }
    }

    /// <summary>The key records in stream order, read as they are enumerated, to the end of the stream; fields
    /// other than keys met on the way go into <see cref="Header"/>.</summary>
    public IEnumerable<KeyHistoryRecord> Keys()
    {
        _keysStarted = true;
        while (_pendingKey is not null || ReadField())
        {
            if (_pendingKey is null) continue;
            KeyHistoryRecord key = _pendingKey;
            _pendingKey = null;
            yield return key;
        }
    }

    /// <summary>Reads one top-level field into <see cref="Header"/> or the pending key; false at the end.</summary>
    private bool ReadField()
    {
        if (!TryReadVarint(out ulong tag)) return false;
        switch (tag)
        {
            case AppliedIndexTag: Header.AppliedIndex = ReadVarint(); break;
            case CurrentRevisionTag: Header.CurrentRevision = RevisionBeforeKeys(); break;
            case CompactRevisionTag: Header.CompactRevision = RevisionBeforeKeys(); break;
            case KeysTag: _pendingKey = ReadMessage(KeyHistoryRecord.Parser); break;
            case LeasesTag: Header.Leases.Add(ReadMessage(LeaseRecord.Parser)); break;
            case LastLeaseIdTag: Header.LastLeaseId = (long)ReadVarint(); break;
            case SessionsTag: Header.Sessions.Add(ReadMessage(SessionRecord.Parser)); break;
            case AlarmsTag: Header.Alarms.Add(ReadMessage(AlarmMember.Parser)); break;
            default: SkipField(tag); break;
        }
        return true;
    }

    private long RevisionBeforeKeys()
    {
        if (_keysStarted) throw Malformed("a revision field follows the key records");
        return (long)ReadVarint();
    }

    private T ReadMessage<T>(MessageParser<T> parser) where T : IMessage<T>
    {
        int length = ReadLength();
        try
        {
            return parser.ParseFrom(_field, 0, length);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw Malformed($"a {typeof(T).Name} does not parse ({e.Message})", e);
        }
    }

    /// <summary>Reads a length prefix and that many bytes into <see cref="_field"/>; returns the length.</summary>
    private int ReadLength()
    {
        ulong length = ReadVarint();
        if (length > (ulong)Array.MaxLength) throw Malformed($"a field claims {length} bytes");
        if (_source.CanSeek && (long)length > _source.Length - _source.Position) throw Truncated();
        if ((int)length > _field.Length) _field = new byte[Math.Max((int)length, Math.Min(2 * _field.Length, Array.MaxLength))];
        try
        {
            _source.ReadExactly(_field, 0, (int)length);
        }
        catch (EndOfStreamException e)
        {
            throw Truncated(e);
        }
        return (int)length;
    }

    private void SkipField(ulong tag)
    {
        if (tag >> 3 == 0) throw Malformed("a field has number 0");
        switch ((WireFormat.WireType)(tag & 7))
        {
            case WireFormat.WireType.Varint: ReadVarint(); break;
            case WireFormat.WireType.Fixed64: ReadBytes(8); break;
            case WireFormat.WireType.Fixed32: ReadBytes(4); break;
            case WireFormat.WireType.LengthDelimited: ReadLength(); break;
            default: throw Malformed($"field {tag >> 3} has wire type {tag & 7}, which a snapshot never holds");
        }
    }

    private void ReadBytes(int count)
    {
        for (int i = 0; i < count; i++)
        {
            if (_source.ReadByte() < 0) throw Truncated();
        }
    }

    private ulong ReadVarint() => TryReadVarint(out ulong value) ? value : throw Truncated();

    /// <summary>Reads a varint; false when the stream ends before its first byte.</summary>
    private bool TryReadVarint(out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            int b = _source.ReadByte();
            if (b < 0)
            {
                if (shift == 0) return false;
                throw Truncated();
            }
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return true;
        }
        throw Malformed("a varint runs past 10 bytes");
    }

    private static InvalidDataException Truncated(Exception? inner = null) =>
        new("KV snapshot stream is truncated: it ends inside a field", inner);

    private static InvalidDataException Malformed(string why, Exception? inner = null) =>
        new($"KV snapshot stream is malformed: {why}", inner);
}
