using System.Buffers;

namespace Cairn.Host.Ops;

/// <summary>Writes one header block as a HEADERS frame and as many CONTINUATION frames as it needs (RFC 7540 §6.2, §6.10).</summary>
internal static class Http2HeaderFrames
{
    /// <summary>
    /// Most payload octets per frame written: 16,384, the initial SETTINGS_MAX_FRAME_SIZE, which every
    /// HTTP/2 server accepts (Kestrel's default limit).
    /// </summary>
    public const int FramePayloadBytesMax = 16_384;

    /// <summary>
    /// Writes <paramref name="block"/> for <paramref name="streamId"/>; <paramref name="priority"/> is empty
    /// or the 5 priority octets of the original HEADERS frame, carried over unchanged. No padding.
    /// </summary>
    public static void Write(IBufferWriter<byte> output, uint streamId, bool endStream, ReadOnlySpan<byte> priority, ReadOnlySpan<byte> block)
    {
        int first = Math.Min(block.Length, FramePayloadBytesMax - priority.Length);
        byte flags = (byte)((endStream ? Http2FrameHeader.EndStreamFlag : 0)
            | (priority.IsEmpty ? 0 : Http2FrameHeader.PriorityFlag)
            | (first == block.Length ? Http2FrameHeader.EndHeadersFlag : 0));
        new Http2FrameHeader(priority.Length + first, Http2FrameHeader.HeadersType, flags, streamId).Write(output);
        output.Write(priority);
        output.Write(block[..first]);
        for (int offset = first; offset < block.Length;)
        {
            int length = Math.Min(block.Length - offset, FramePayloadBytesMax);
            offset += length;
            byte last = offset == block.Length ? Http2FrameHeader.EndHeadersFlag : (byte)0;
            new Http2FrameHeader(length, Http2FrameHeader.ContinuationType, last, streamId).Write(output);
            output.Write(block.Slice(offset - length, length));
        }
    }
}
