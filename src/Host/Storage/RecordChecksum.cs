using System.Buffers.Binary;
using System.Text;
using Cairn.Core.Wire;

namespace Cairn.Host.Storage;

/// <summary>The CRC-32C stored beside every record, as a 64-bit column value. Composite rows are checksummed
/// over their identifying columns too, so a value moved to another row is caught.</summary>
internal static class RecordChecksum
{
    internal static long Of(ReadOnlySpan<byte> record) => Crc32C.Compute(record);

    /// <summary>True when <paramref name="stored"/> is the checksum of <paramref name="record"/>.</summary>
    internal static bool Matches(ReadOnlySpan<byte> record, long stored) => Of(record) == stored;

    /// <summary>The checksum of one MVCC revision row: key, main, sub and the value's bytes (none for a tombstone).</summary>
    internal static long OfRevision(ReadOnlySpan<byte> key, long main, int sub, ReadOnlySpan<byte> kv)
    {
        var buffer = new byte[key.Length + 12 + kv.Length];
        key.CopyTo(buffer);
        BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(key.Length), main);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(key.Length + 8), sub);
        kv.CopyTo(buffer.AsSpan(key.Length + 12));
        return Of(buffer);
    }

    /// <summary>The checksum of a named integer (a meta row) or of a numbered pair (a lease).</summary>
    internal static long OfPair(string name, long a, long b = 0)
    {
        var text = Encoding.UTF8.GetBytes(name);
        var buffer = new byte[text.Length + 16];
        text.CopyTo(buffer, 0);
        BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(text.Length), a);
        BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(text.Length + 8), b);
        return Of(buffer);
    }
}
