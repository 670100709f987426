using System.Buffers.Binary;
using System.Text;

namespace Cairn.Host.Peers;

/// <summary>
/// The first bytes on every peer connection: <c>"CRN1"</c>, the cluster id, the sender's and the
/// receiver's member ids, the lane (0 = Raft messages, 1 = snapshot chunks), and the sender's advertised
/// client URLs (so every member can list every member's client URLs). A mismatch closes the connection.
/// </summary>
internal sealed record PeerHandshake(ulong ClusterId, ulong From, ulong To, byte Lane, string ClientUrls)
{
    public static ReadOnlySpan<byte> Magic => "CRN1"u8;

    /// <summary>Longest client URL list carried.</summary>
    public const int ClientUrlsBytesMax = 4096;

    public byte[] Encode()
    {
        byte[] urls = Encoding.UTF8.GetBytes(ClientUrls);
        if (urls.Length > ClientUrlsBytesMax)
        {
            throw new ArgumentException($"client URLs exceed {ClientUrlsBytesMax} bytes (ClientUrlsBytesMax)");
        }
        byte[] bytes = new byte[4 + 8 + 8 + 8 + 1 + 2 + urls.Length];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(4), ClusterId);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(12), From);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(20), To);
        bytes[28] = Lane;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(29), (ushort)urls.Length);
        urls.CopyTo(bytes, 31);
        return bytes;
    }

    public static async Task<PeerHandshake> Read(Stream stream, CancellationToken cancel)
    {
        byte[] head = new byte[31];
        await stream.ReadExactlyAsync(head, cancel).ConfigureAwait(false);
        if (!head.AsSpan(0, 4).SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a cairn peer connection (bad magic)");
        }
        int urlLength = BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(29));
        if (urlLength > ClientUrlsBytesMax)
        {
            throw new InvalidDataException("handshake client URLs too long");
        }
        byte[] urls = new byte[urlLength];
        await stream.ReadExactlyAsync(urls, cancel).ConfigureAwait(false);
        return new PeerHandshake(
            BinaryPrimitives.ReadUInt64LittleEndian(head.AsSpan(4)),
            BinaryPrimitives.ReadUInt64LittleEndian(head.AsSpan(12)),
            BinaryPrimitives.ReadUInt64LittleEndian(head.AsSpan(20)),
            head[28],
            Encoding.UTF8.GetString(urls));
    }
}
