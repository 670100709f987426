using Cairn.Core.Wire;

namespace Cairn.Host.Api;

/// <summary>A write-only stream that keeps only the CRC-32C of what passes through it: Maintenance.Hash checksums the
/// state machine's snapshot without holding it.</summary>
internal sealed class Crc32CStream : Stream
{
    /// <summary>The CRC-32C of every byte written so far.</summary>
    public uint Crc { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(ReadOnlySpan<byte> buffer) => Crc = Crc32C.Append(Crc, buffer);
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
