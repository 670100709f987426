extern alias CairnServer;
using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using CairnServer::Cairn.Host.Ops;
using Xunit;

namespace Cairn.Host.Tests.Http2;

/// <summary>The client→server HTTP/2 rewrite: authorities become hosts, every other byte is carried over.</summary>
public sealed class Http2HeaderNormaliserTests
{
    private const byte Headers = 0x1;
    private const byte Continuation = 0x9;
    private const byte EndStream = 0x1;
    private const byte EndHeaders = 0x4;
    private const byte Padded = 0x8;
    private const byte Priority = 0x20;

    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();
    private static readonly byte[] Settings = [0, 0, 6, 0x4, 0, 0, 0, 0, 0, 0, 0x3, 0, 0, 0, 0x64]; // SETTINGS MAX_CONCURRENT_STREAMS 100

    private sealed record Frame(byte Type, byte Flags, uint Stream, byte[] Payload);

    [Theory]
    [InlineData("http://127.0.0.1:2379", "127.0.0.1:2379")]
    [InlineData("https://h:1/", "h:1")]
    [InlineData("http://h:1/some/path", "h:1")]
    [InlineData("unix+grpc://h", "h")]
    [InlineData("h:1", "h:1")]
    [InlineData("localhost", "localhost")]
    [InlineData("", "")]
    [InlineData("://h:1", "://h:1")]
    [InlineData("1http://h:1", "1http://h:1")]
    public void Authority_forms(string value, string expected)
    {
        Assert.Equal(expected, Encoding.ASCII.GetString(RequestAuthority.Normalise(Encoding.ASCII.GetBytes(value))));
    }

    [Fact]
    public void Authority_and_host_are_normalised_through_the_clients_dynamic_table_and_other_frames_pass_verbatim()
    {
        byte[] first = [0x83, 0x86, 0x44, 0x04, .. "/a/b"u8, .. Literal(0x41, "", "http://127.0.0.1:2379"), .. Literal(0x40, "host", "https://h:1/")];
        byte[] second = [0x83, 0x86, 0x04, 0x02, .. "/c"u8, 0xBF, 0xBE]; // :authority and host again, from the dynamic table
        byte[] data = [0, 0, 3, 0x0, 0x1, 0, 0, 0, 1, 7, 8, 9];
        byte[] input = [.. Preface, .. Settings, .. FrameBytes(Headers, EndHeaders, 1, first), .. data, .. FrameBytes(Headers, EndStream | EndHeaders, 3, second)];
        byte[] output = Transform(input, chunk: input.Length);
        Assert.Equal([.. Preface, .. Settings], output[..(Preface.Length + Settings.Length)]);
        List<Frame> frames = Frames(output[(Preface.Length + Settings.Length)..]);
        Assert.Equal([Headers, 0x0, Headers], frames.Select(f => f.Type));
        Assert.Equal(data[9..], frames[1].Payload);
        var server = new HpackDecoder(4096);
        Assert.Equal([":method: POST", ":scheme: http", ":path: /a/b", ":authority: 127.0.0.1:2379", "host: h:1"], Fields(server, frames[0]));
        Assert.Equal([":method: POST", ":scheme: http", ":path: /c", ":authority: 127.0.0.1:2379", "host: h:1"], Fields(server, frames[2]));
        Assert.Equal(EndStream | EndHeaders, frames[2].Flags);
        Assert.Equal(0, server.Table.Count); // literals without indexing only
    }

    [Fact]
    public void A_padded_prioritised_block_split_over_continuation_is_joined_and_fed_in_any_chunks()
    {
        byte[] block = [0x83, 0x86, 0x84, .. Literal(0x00, ":authority", "http://10.0.0.1:2379"), .. Literal(0x10, "x-secret", "s")];
        byte[] priority = [0x80, 0, 0, 0x1, 0x0F];
        byte[] headersPayload = [3, .. priority, .. block[..7], 0, 0, 0];
        byte[] input = [.. Preface, .. FrameBytes(Headers, Padded | Priority | EndStream, 5, headersPayload), .. FrameBytes(Continuation, 0, 5, block[7..20]), .. FrameBytes(Continuation, EndHeaders, 5, block[20..])];
        foreach (int chunk in new[] { 1, 2, 9, 10, input.Length })
        {
            List<Frame> frames = Frames(Transform(input, chunk)[Preface.Length..]);
            Frame headers = Assert.Single(frames);
            Assert.Equal(Priority | EndStream | EndHeaders, headers.Flags);
            Assert.Equal(5u, headers.Stream);
            Assert.Equal(priority, headers.Payload[..5]);
            Assert.Equal([":method: POST", ":scheme: http", ":path: /", ":authority: 10.0.0.1:2379", "x-secret: s"], Fields(new HpackDecoder(4096), headers with { Payload = headers.Payload[5..] }));
        }
    }

    [Fact]
    public void A_block_above_one_frame_is_written_as_headers_and_continuation_of_at_most_16_KiB()
    {
        byte[] block = HpackLiteralEncoder.Encode([HeaderField.Of(":authority", "http://h:1"), HeaderField.Of("x-big", new string('a', 40_000))]);
        List<Frame> frames = Frames(Transform([.. Preface, .. FrameBytes(Headers, EndHeaders, 1, block)], chunk: 4096)[Preface.Length..]);
        Assert.Equal([Headers, Continuation, Continuation], frames.Select(f => f.Type));
        Assert.Equal([0, 0, EndHeaders], frames.Select(f => f.Flags));
        Assert.All(frames, f => Assert.InRange(f.Payload.Length, 1, 16_384));
        byte[] joined = [.. frames.SelectMany(f => f.Payload)];
        Assert.Equal(["h:1", new string('a', 40_000)], new HpackDecoder(4096).Decode(joined).Select(f => Encoding.ASCII.GetString(f.Value)));
    }

    [Fact]
    public void Bytes_that_are_not_the_http2_preface_pass_through_untouched()
    {
        byte[] input = "GET /health HTTP/1.1\r\nHost: http://x\r\n\r\n"u8.ToArray();
        Assert.Equal(input, Transform(input, chunk: 3));
    }

    [Fact]
    public void Malformed_framing_and_oversized_blocks_are_refused()
    {
        byte[] valid = [0x82, 0x86, 0x84];
        Refused([.. FrameBytes(Headers, EndHeaders, 1, [0x80])]); // HPACK index 0
        Refused([.. FrameBytes(Continuation, EndHeaders, 1, valid)]); // no HEADERS before
        Refused([.. FrameBytes(Headers, 0, 1, valid), .. FrameBytes(Continuation, EndHeaders, 3, valid)]); // another stream's CONTINUATION
        Refused([.. FrameBytes(Headers, 0, 1, valid), .. Settings]); // a frame inside the block
        Refused([.. FrameBytes(Headers, Padded | EndHeaders, 1, [9, .. valid])]); // more padding than payload
        byte[] big = [.. Enumerable.Repeat((byte)0x82, 16_000)];
        Refused([.. FrameBytes(Headers, 0, 1, big), .. Enumerable.Range(0, 4).SelectMany(_ => FrameBytes(Continuation, 0, 1, big))]); // 80,000 > 64 KiB
    }

    private static void Refused(byte[] frames)
    {
        var normaliser = new Http2HeaderNormaliser(4096);
        byte[] input = [.. Preface, .. frames];
        Assert.Throws<HeaderBlockRefusedException>(() => normaliser.Transform(new ReadOnlySequence<byte>(input), new ArrayBufferWriter<byte>()));
    }

    /// <summary>Feeds <paramref name="input"/> in chunks as a pipe would, keeping what was not consumed.</summary>
    private static byte[] Transform(byte[] input, int chunk)
    {
        var normaliser = new Http2HeaderNormaliser(4096);
        var output = new ArrayBufferWriter<byte>();
        byte[] pending = [];
        for (int offset = 0; offset < input.Length; offset += chunk)
        {
            byte[] buffer = [.. pending, .. input.AsSpan(offset, Math.Min(chunk, input.Length - offset))];
            var sequence = new ReadOnlySequence<byte>(buffer);
            pending = sequence.Slice(normaliser.Transform(sequence, output)).ToArray();
        }
        Assert.Empty(pending);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] Literal(byte representation, string name, string value)
    {
        byte[] nameOctets = Encoding.ASCII.GetBytes(name);
        byte[] valueOctets = Encoding.ASCII.GetBytes(value);
        byte[] namePart = name.Length == 0 ? [] : [(byte)nameOctets.Length, .. nameOctets];
        return [representation, .. namePart, (byte)valueOctets.Length, .. valueOctets];
    }

    private static byte[] FrameBytes(byte type, int flags, uint stream, byte[] payload)
    {
        byte[] header = new byte[9];
        header[0] = (byte)(payload.Length >> 16);
        header[1] = (byte)(payload.Length >> 8);
        header[2] = (byte)payload.Length;
        header[3] = type;
        header[4] = (byte)flags;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(5), stream);
        return [.. header, .. payload];
    }

    private static List<Frame> Frames(byte[] bytes)
    {
        var frames = new List<Frame>();
        for (int offset = 0; offset < bytes.Length;)
        {
            int length = bytes[offset] << 16 | bytes[offset + 1] << 8 | bytes[offset + 2];
            frames.Add(new Frame(bytes[offset + 3], bytes[offset + 4], BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(offset + 5)), bytes[(offset + 9)..(offset + 9 + length)]));
            offset += 9 + length;
        }
        return frames;
    }

    private static string[] Fields(HpackDecoder decoder, Frame frame) => [.. decoder.Decode(frame.Payload).Select(f => f.ToString())];
}
