using System.Buffers;

namespace Cairn.Host.Ops;

/// <summary>
/// Rewrites the client→server bytes of a cleartext HTTP/2 connection so that every request header
/// block carries its authority as a host (<see cref="RequestAuthority"/>). After the 24-octet preface
/// the bytes are read as frames: every frame but HEADERS/CONTINUATION passes through verbatim (its
/// payload streamed, never buffered whole); a header block (HEADERS and its CONTINUATION frames up to
/// END_HEADERS, padding and priority honoured) is decoded with an HPACK decoder that mirrors the
/// client's encoder, normalised, and written again as literal fields without indexing
/// (<see cref="HpackLiteralEncoder"/>) in frames of at most 16 KiB. The server's HPACK decoder then
/// never needs its dynamic table. Bytes that do not start with the full preface pass through untouched.
/// </summary>
internal sealed class Http2HeaderNormaliser
{
    /// <summary>Most octets of one header block (its fragments, padding excluded): twice Kestrel's 32 KiB MaxRequestHeadersTotalSize.</summary>
    public const int HeaderBlockBytesMax = 64 * 1024;

    // A frame carrying a whole block of the maximum size, with priority and the most padding.
    private const int HeaderFramePayloadBytesMax = HeaderBlockBytesMax + Http2FrameHeader.PrioritySize + 1 + byte.MaxValue;

    private readonly HpackDecoder _decoder;
    private readonly ArrayBufferWriter<byte> _block = new();
    private Stage _stage = Stage.Preface;
    private Http2FrameHeader _frame;
    private long _payloadLeft;
    private Http2FrameHeader? _blockStart; // the HEADERS frame of a block still waiting for END_HEADERS
    private byte[] _priority = [];

    /// <param name="headerTableSizeLimit">The server's SETTINGS_HEADER_TABLE_SIZE (Kestrel: 4,096).</param>
    public Http2HeaderNormaliser(int headerTableSizeLimit) => _decoder = new HpackDecoder(headerTableSizeLimit);

    private enum Stage
    {
        Preface,
        FrameHeader,
        VerbatimPayload,
        HeaderPayload,
        Verbatim,
    }

    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    /// <summary>
    /// Transforms as much of <paramref name="input"/> as can be, writing to <paramref name="output"/>, and
    /// returns the position up to which the input was consumed (a partial frame header or header frame
    /// stays unconsumed). Throws <see cref="HeaderBlockRefusedException"/> when the connection must close.
    /// </summary>
    public SequencePosition Transform(ReadOnlySequence<byte> input, IBufferWriter<byte> output)
    {
        var reader = new SequenceReader<byte>(input);
        while (Step(ref reader, output))
        {
        }
        return reader.Position;
    }

    private bool Step(ref SequenceReader<byte> reader, IBufferWriter<byte> output) => _stage switch
    {
        Stage.Preface => ReadPreface(ref reader, output),
        Stage.FrameHeader => ReadFrameHeader(ref reader, output),
        Stage.HeaderPayload => ReadHeaderPayload(ref reader, output),
        Stage.VerbatimPayload or Stage.Verbatim => CopyPayload(ref reader, output),
        _ => throw new System.Diagnostics.UnreachableException(),
    };

    private bool ReadPreface(ref SequenceReader<byte> reader, IBufferWriter<byte> output)
    {
        if (reader.Remaining < Preface.Length)
        {
            return false;
        }
        if (reader.IsNext(Preface, advancePast: true))
        {
            output.Write(Preface);
            _stage = Stage.FrameHeader;
        }
        else
        {
            _stage = Stage.Verbatim;
            _payloadLeft = long.MaxValue;
        }
        return true;
    }

    private bool ReadFrameHeader(ref SequenceReader<byte> reader, IBufferWriter<byte> output)
    {
        Span<byte> octets = stackalloc byte[Http2FrameHeader.Size];
        if (!reader.TryCopyTo(octets))
        {
            return false;
        }
        reader.Advance(octets.Length);
        _frame = Http2FrameHeader.Read(octets);
        bool headerFrame = _frame.Type is Http2FrameHeader.HeadersType or Http2FrameHeader.ContinuationType;
        CheckFrame(headerFrame);
        if (headerFrame)
        {
            _stage = Stage.HeaderPayload;
            return true;
        }
        _frame.Write(output);
        _payloadLeft = _frame.Length;
        _stage = Stage.VerbatimPayload;
        return true;
    }

    private void CheckFrame(bool headerFrame)
    {
        if (_blockStart is { } start && (_frame.Type != Http2FrameHeader.ContinuationType || _frame.StreamId != start.StreamId))
        {
            throw new HeaderBlockRefusedException("a header block is interrupted before END_HEADERS (RFC 7540 §6.2)");
        }
        if (_blockStart is null && _frame.Type == Http2FrameHeader.ContinuationType)
        {
            throw new HeaderBlockRefusedException("a CONTINUATION frame without a header block before it (RFC 7540 §6.10)");
        }
        if (headerFrame && _frame.Length > HeaderFramePayloadBytesMax)
        {
            throw new HeaderBlockRefusedException($"a header frame longer than {HeaderFramePayloadBytesMax} octets");
        }
    }

    private bool CopyPayload(ref SequenceReader<byte> reader, IBufferWriter<byte> output)
    {
        long length = Math.Min(_payloadLeft, reader.Remaining);
        if (length == 0 && _payloadLeft > 0)
        {
            return false;
        }
        foreach (ReadOnlyMemory<byte> segment in reader.UnreadSequence.Slice(0, length))
        {
            output.Write(segment.Span);
        }
        reader.Advance(length);
        _payloadLeft -= length;
        if (_payloadLeft == 0 && _stage == Stage.VerbatimPayload)
        {
            _stage = Stage.FrameHeader;
        }
        return true;
    }

    private bool ReadHeaderPayload(ref SequenceReader<byte> reader, IBufferWriter<byte> output)
    {
        if (reader.Remaining < _frame.Length)
        {
            return false;
        }
        byte[] payload = reader.UnreadSequence.Slice(0, _frame.Length).ToArray();
        reader.Advance(_frame.Length);
        if (_frame.Type == Http2FrameHeader.HeadersType)
        {
            _blockStart = _frame;
            AppendHeadersFragment(payload);
        }
        else
        {
            _block.Write(payload);
        }
        if (_block.WrittenCount > HeaderBlockBytesMax)
        {
            throw new HeaderBlockRefusedException($"a header block longer than {HeaderBlockBytesMax} octets");
        }
        _stage = Stage.FrameHeader;
        if (_frame.Has(Http2FrameHeader.EndHeadersFlag))
        {
            RewriteBlock(output);
        }
        return true;
    }

    /// <summary>Strips the pad length, priority and padding of a HEADERS payload and keeps its fragment.</summary>
    private void AppendHeadersFragment(ReadOnlySpan<byte> payload)
    {
        int padded = _frame.Has(Http2FrameHeader.PaddedFlag) ? 1 : 0;
        int priority = _frame.Has(Http2FrameHeader.PriorityFlag) ? Http2FrameHeader.PrioritySize : 0;
        int padding = padded == 1 && payload.Length > 0 ? payload[0] : 0;
        int fragment = payload.Length - padded - priority - padding;
        if (fragment < 0)
        {
            throw new HeaderBlockRefusedException("a HEADERS frame whose padding and priority exceed its payload (RFC 7540 §6.2)");
        }
        _priority = payload.Slice(padded, priority).ToArray();
        _block.Write(payload.Slice(padded + priority, fragment));
    }

    private void RewriteBlock(IBufferWriter<byte> output)
    {
        Http2FrameHeader start = _blockStart!.Value;
        List<HeaderField> fields = _decoder.Decode(_block.WrittenSpan);
        byte[] block = HpackLiteralEncoder.Encode(fields.Select(f => RequestAuthority.Carries(f.Name) ? f with { Value = RequestAuthority.Normalise(f.Value) } : f));
        Http2HeaderFrames.Write(output, start.StreamId, start.Has(Http2FrameHeader.EndStreamFlag), _priority, block);
        _block.ResetWrittenCount();
        _blockStart = null;
        _priority = [];
    }
}
