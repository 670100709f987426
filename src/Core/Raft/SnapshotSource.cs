using Cairn.Core.Wire;
using Google.Protobuf;

namespace Cairn.Core.Raft;

/// <summary>
/// A snapshot the leader reads by offset while it sends it (Raft §7): its index and term, its length in bytes and the
/// CRC-32C of all of it. Sizes and offsets are 64-bit: a snapshot may be larger than any array.
/// </summary>
internal interface ISnapshotSource
{
    /// <summary>The last index the snapshot covers.</summary>
    ulong Index { get; }
    /// <summary>The term of the entry at <see cref="Index"/>.</summary>
    ulong Term { get; }
    /// <summary>The snapshot's length in bytes.</summary>
    long Length { get; }
    /// <summary>The CRC-32C of the whole snapshot.</summary>
    uint Crc { get; }
    /// <summary>Copies the bytes at <paramref name="offset"/> into <paramref name="destination"/>, which must lie within the snapshot.</summary>
    void Read(long offset, Span<byte> destination);
}

/// <summary>A snapshot held in memory (the state machines whose snapshot is a byte array).</summary>
internal sealed class InMemorySnapshotSource : ISnapshotSource
{
    private readonly ByteString _data;

    public InMemorySnapshotSource(ulong index, ulong term, ByteString data)
    {
        Index = index;
        Term = term;
        _data = data;
        Crc = Crc32C.Compute(data.Span);
    }

    public ulong Index { get; }
    public ulong Term { get; }
    public long Length => _data.Length;
    public uint Crc { get; }

    public void Read(long offset, Span<byte> destination)
    {
        Invariant.Holds(offset >= 0 && offset + destination.Length <= _data.Length, "a snapshot read lies within the snapshot: offset {0}, length {1}", offset, (long)destination.Length);
        _data.Span.Slice((int)offset, destination.Length).CopyTo(destination);
    }
}
