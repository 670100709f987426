using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;
using Cairn.Core.Wire;
using Google.Protobuf;

namespace Cairn.Core.Raft;

/// <summary>
/// A node's snapshots as the Raft core and the runtime handle them (Raft §7): written in pieces and committed as one
/// <see cref="SnapshotRecord"/>, read back by offset (to send) or in order (to restore). With the log disk's
/// <see cref="ISnapshotStore"/> the bytes live in a file the record names, so no step holds a whole snapshot in
/// memory; without one (small test state machines) they stay inline in the record.
/// </summary>
internal sealed class SnapshotFiles(ISnapshotStore? store)
{
    /// <summary>Snapshots kept inline in the record (no store).</summary>
    public static SnapshotFiles Inline { get; } = new(null);

    /// <summary>Starts writing the snapshot at (<paramref name="index"/>, <paramref name="term"/>).</summary>
    public SnapshotFileWriter Begin(ulong index, ulong term) => new(store?.Create(index, term), index, term);

    /// <summary>Opens <paramref name="record"/>'s bytes for reading by offset.</summary>
    /// <exception cref="InvalidDataException">The record names a file that is missing, torn or damaged.</exception>
    public ISnapshotSource Source(SnapshotRecord record)
    {
        if (record.File.Length == 0) return new InMemorySnapshotSource(record.Index, record.Term, record.Data);
        if (store is null) throw new InvalidDataException($"snapshot {record.Index} names file {record.File}, but this disk has no snapshot store");
        return new StoredSnapshotSource(record, store.Open(record.File, (long)record.Length, record.Crc));
    }

    /// <summary>Opens <paramref name="record"/>'s bytes as a stream read from the start.</summary>
    public Stream OpenRead(SnapshotRecord record) => new SnapshotReadStream(Source(record));

    /// <summary>Removes every snapshot file but <paramref name="keep"/>'s (the durable one), and any a crash left.</summary>
    public void Retain(SnapshotRecord? keep) => store?.Retain(keep is { File.Length: > 0 } ? keep.File : null);
}

/// <summary>A snapshot being written: its length and CRC-32C accumulate as the bytes go by. Dispose without
/// <see cref="Commit"/> abandons it.</summary>
internal sealed class SnapshotFileWriter(ISnapshotWriter? file, ulong index, ulong term) : Stream
{
    private readonly MemoryStream? _inline = file is null ? new MemoryStream() : null;
    private uint _crc;
    private long _length;
    private bool _committed;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_committed;
    public override long Length => _length;

    /// <summary>The CRC-32C of the bytes written so far.</summary>
    public uint Crc => _crc;
    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Invariant.Holds(!_committed, "nothing is written to snapshot {0} after its commit", index);
        _crc = Crc32C.Append(_crc, buffer);
        _length += buffer.Length;
        if (file is not null) file.Write(buffer); else _inline!.Write(buffer);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <summary>Makes the snapshot durable (its file committed) and returns the record that names it.</summary>
    public SnapshotRecord Commit()
    {
        Invariant.Holds(!_committed, "snapshot {0} is committed once", index);
        _committed = true;
        var record = new SnapshotRecord { Index = index, Term = term, Length = (ulong)_length, Crc = _crc };
        if (file is not null) record.File = file.Commit();
        else record.Data = ByteString.CopyFrom(_inline!.GetBuffer(), 0, (int)_inline.Length);
        return record;
    }

    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) file?.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>A snapshot file of the store, as the leader reads it to send.</summary>
internal sealed class StoredSnapshotSource(SnapshotRecord record, ISnapshotReader reader) : ISnapshotSource
{
    public ulong Index { get; } = record.Index;
    public ulong Term { get; } = record.Term;
    public long Length { get; } = (long)record.Length;
    public uint Crc { get; } = record.Crc;

    public void Read(long offset, Span<byte> destination)
    {
        Invariant.Holds(offset >= 0 && offset + destination.Length <= Length, "a snapshot read lies within the snapshot: offset {0}, length {1}", offset, (long)destination.Length);
        reader.Read(offset, destination);
    }
}

/// <summary>A snapshot read in order from its start, a bounded piece at a time.</summary>
internal sealed class SnapshotReadStream(ISnapshotSource source) : Stream
{
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => source.Length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, source.Length - _position);
        if (count <= 0) return 0;
        source.Read(_position, buffer[..count]);
        _position += count;
        return count;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
