using Cairn.Core.Wire;

namespace Cairn.Host.Storage;

/// <summary>The CRC-32C stored beside every record blob, as a signed 64-bit column value.</summary>
internal static class RecordChecksum
{
    internal static long Of(ReadOnlySpan<byte> record) => Crc32C.Compute(record);

    /// <summary>True when <paramref name="stored"/> is the checksum of <paramref name="record"/>.</summary>
    internal static bool Matches(ReadOnlySpan<byte> record, long stored) => Of(record) == stored;
}
