using System.Buffers.Binary;
using Cairn.Core.Raft.Wire;
using Cairn.Core.Wire;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Cairn.Property.Tests.Wire;

/// <summary>
/// The peer frame codec: every message survives a round trip, and a frame that is damaged in any way
/// decodes to an error, never to a different message and never to an exception.
/// </summary>
public sealed class FrameCodecProperties
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(300);

    [Fact]
    public void Encode_then_decode_returns_an_equal_message()
    {
        Prop.ForAll(WireGen.Messages, m =>
        {
            var frame = FrameCodec.Encode(m);
            Assert.Equal(FrameCodec.HeaderBytes + m.CalculateSize(), frame.Length);
            var decoded = FrameCodec.TryDecode(frame, out var error);
            Assert.Null(error);
            Assert.Equal(m, decoded);
        }).Check(Runs);
    }

    [Fact]
    public void Any_single_bit_flip_is_rejected()
    {
        var arb = WireGen.MessageGen.SelectMany(m => Gen.Choose(0, int.MaxValue).Select(r => (m, r))).ToArbitrary();
        Prop.ForAll(arb, run =>
        {
            var frame = FrameCodec.Encode(run.m);
            var bit = run.r % (frame.Length * 8);
            frame[bit / 8] ^= (byte)(1 << (bit % 8));
            var decoded = FrameCodec.TryDecode(frame, out var error);
            Assert.True(decoded is null, $"bit {bit} flipped in a {frame.Length}-byte frame still decoded");
            Assert.False(string.IsNullOrEmpty(error));
        }).Check(Runs);
    }

    [Fact]
    public void Every_bit_flip_of_one_frame_is_rejected()
    {
        var m = new Message { Type = MessageType.MsgAppend, From = 1, To = 2, Term = 7, Index = 3, LogTerm = 6, Commit = 2 };
        m.Entries.Add(new Entry { Term = 7, Index = 4, Data = Google.Protobuf.ByteString.CopyFromUtf8("put k v") });
        var frame = FrameCodec.Encode(m);
        for (var bit = 0; bit < frame.Length * 8; bit++)
        {
            var copy = (byte[])frame.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.True(FrameCodec.TryDecode(copy, out _) is null, $"bit {bit} flip accepted");
        }
    }

    [Fact]
    public void Truncated_or_extended_frames_are_rejected()
    {
        var arb = WireGen.MessageGen.SelectMany(m => Gen.Choose(0, int.MaxValue).Select(r => (m, r))).ToArbitrary();
        Prop.ForAll(arb, run =>
        {
            var frame = FrameCodec.Encode(run.m);
            var cut = run.r % frame.Length;
            Assert.Null(FrameCodec.TryDecode(frame.AsSpan(0, cut), out var error));
            Assert.NotNull(error);
            var longer = new byte[frame.Length + 1 + run.r % 7];
            frame.CopyTo(longer, 0);
            Assert.Null(FrameCodec.TryDecode(longer, out _));
        }).Check(Runs);
    }

    [Fact]
    public void Garbage_never_throws()
    {
        Prop.ForAll(WireGen.Garbage, bytes =>
        {
            var decoded = FrameCodec.TryDecode(bytes, out var error);
            Assert.True(decoded is not null || error is not null);
        }).Check(Runs);
    }

    /// <summary>Garbage behind a valid header and checksum reaches the protobuf parser, which must not leak exceptions.</summary>
    [Fact]
    public void Garbage_payload_with_valid_checksum_never_throws()
    {
        Prop.ForAll(WireGen.Garbage, payload =>
        {
            var frame = new byte[FrameCodec.HeaderBytes + payload.Length];
            BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payload.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), Crc32C.Compute(payload));
            payload.CopyTo(frame, FrameCodec.HeaderBytes);
            var decoded = FrameCodec.TryDecode(frame, out var error);
            Assert.True(decoded is not null ^ error is not null, "exactly one of message and error");
        }).Check(Runs);
    }

    [Fact]
    public void Oversized_length_header_is_rejected_without_allocating()
    {
        var frame = new byte[FrameCodec.HeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, uint.MaxValue);
        Assert.Null(FrameCodec.TryDecode(frame, out var error));
        Assert.Contains("PayloadBytesMax", error);
    }

    [Fact]
    public void Encode_refuses_a_message_over_PayloadBytesMax()
    {
        var m = new Message { Type = MessageType.MsgAppend };
        m.Entries.Add(new Entry { Data = Google.Protobuf.ByteString.CopyFrom(new byte[FrameCodec.PayloadBytesMax]) });
        Assert.Throws<ArgumentException>(() => FrameCodec.Encode(m));
    }
}
