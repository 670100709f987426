using System.Buffers.Binary;
using Cairn.Core.Raft.Wire;
using Google.Protobuf;

namespace Cairn.Core.Wire;

/// <summary>
/// Peer frames: <c>[u32 payload length][u32 CRC-32C of payload][protobuf Message]</c>, little-endian.
/// A frame that is short, too long, or fails its checksum decodes to an error, never an exception.
/// </summary>
public static class FrameCodec
{
    /// <summary>Bytes of header before the payload.</summary>
    public const int HeaderBytes = 8;

    /// <summary>Largest payload a frame may carry. Default 4 MiB.</summary>
    public const int PayloadBytesMax = 4 * 1024 * 1024;

    /// <summary>Encodes a Raft message as one frame.</summary>
    public static byte[] Encode(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var size = message.CalculateSize();
        if (size > PayloadBytesMax) throw new ArgumentException($"message of {size} bytes exceeds PayloadBytesMax {PayloadBytesMax}");
        var frame = new byte[HeaderBytes + size];
        message.WriteTo(frame.AsSpan(HeaderBytes));
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), Crc32C.Compute(frame.AsSpan(HeaderBytes)));
        return frame;
    }

    /// <summary>Decodes one whole frame; returns null and an error when it is malformed or corrupt.</summary>
    public static Message? TryDecode(ReadOnlySpan<byte> frame, out string? error) => TryDecode(frame, out error, verifyChecksum: true);

    /// <summary>Decodes a frame; only the skip-checksum canary passes <paramref name="verifyChecksum"/> = false.</summary>
    internal static Message? TryDecode(ReadOnlySpan<byte> frame, out string? error, bool verifyChecksum)
    {
        error = null;
        if (frame.Length < HeaderBytes) { error = "frame shorter than its header"; return null; }
        var length = BinaryPrimitives.ReadUInt32LittleEndian(frame);
        if (length > PayloadBytesMax) { error = $"frame payload {length} exceeds PayloadBytesMax"; return null; }
        if (frame.Length != HeaderBytes + length) { error = "frame length does not match its header"; return null; }
        var payload = frame[HeaderBytes..];
        if (verifyChecksum && Crc32C.Compute(payload) != BinaryPrimitives.ReadUInt32LittleEndian(frame[4..])) { error = "frame checksum mismatch"; return null; }
        try
        {
            return Message.Parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            error = "frame payload is not a valid message: " + e.Message;
            return null;
        }
    }
}
