using System.Buffers;
using System.Buffers.Binary;

namespace Cairn.Host.Ops;

/// <summary>The 9-octet HTTP/2 frame header (RFC 7540 §4.1) and the frame types and flags the header normaliser reads.</summary>
internal readonly record struct Http2FrameHeader(int Length, byte Type, byte Flags, uint StreamId)
{
    /// <summary>Octets in a frame header.</summary>
    public const int Size = 9;

    /// <summary>HEADERS (RFC 7540 §6.2).</summary>
    public const byte HeadersType = 0x1;

    /// <summary>CONTINUATION (RFC 7540 §6.10).</summary>
    public const byte ContinuationType = 0x9;

    /// <summary>END_STREAM on HEADERS.</summary>
    public const byte EndStreamFlag = 0x1;

    /// <summary>END_HEADERS on HEADERS and CONTINUATION.</summary>
    public const byte EndHeadersFlag = 0x4;

    /// <summary>PADDED on HEADERS: a pad length octet first, that many padding octets last.</summary>
    public const byte PaddedFlag = 0x8;

    /// <summary>PRIORITY on HEADERS: 5 octets of stream dependency and weight before the block fragment.</summary>
    public const byte PriorityFlag = 0x20;

    /// <summary>Octets of the priority fields.</summary>
    public const int PrioritySize = 5;

    /// <summary>True when every bit of <paramref name="flag"/> is set.</summary>
    public bool Has(byte flag) => (Flags & flag) == flag;

    /// <summary>Parses the 9 octets; the stream id keeps its reserved bit, so writing it back is exact.</summary>
    public static Http2FrameHeader Read(ReadOnlySpan<byte> octets) =>
        new(octets[0] << 16 | octets[1] << 8 | octets[2], octets[3], octets[4], BinaryPrimitives.ReadUInt32BigEndian(octets[5..]));

    /// <summary>Writes the 9 octets.</summary>
    public void Write(IBufferWriter<byte> output)
    {
        Span<byte> octets = stackalloc byte[Size];
        octets[0] = (byte)(Length >> 16);
        octets[1] = (byte)(Length >> 8);
        octets[2] = (byte)Length;
        octets[3] = Type;
        octets[4] = Flags;
        BinaryPrimitives.WriteUInt32BigEndian(octets[5..], StreamId);
        output.Write(octets);
    }
}
