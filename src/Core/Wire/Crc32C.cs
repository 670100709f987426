using System.Buffers.Binary;
using System.Numerics;

namespace Cairn.Core.Wire;

/// <summary>CRC-32C (Castagnoli), hardware-accelerated where the CPU supports it. Guards every frame and record.</summary>
internal static class Crc32C
{
    /// <summary>Computes the CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (var b in data) crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }

    /// <summary>Continues a checksum: <c>Append(Compute(a), b) == Compute(a + b)</c>, so a file or stream can be
    /// checksummed piece by piece (<c>Append(0, x) == Compute(x)</c>).</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var state = ~crc;
        while (data.Length >= 8)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (var b in data) state = BitOperations.Crc32C(state, b);
        return ~state;
    }
}
