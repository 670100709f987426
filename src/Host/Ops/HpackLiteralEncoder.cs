using System.Buffers;

namespace Cairn.Host.Ops;

/// <summary>
/// Writes header fields as an HPACK block of literal fields without indexing, with literal names and
/// no Huffman coding (RFC 7541 §6.2.2). Such a block never touches the decoder's dynamic table, so a
/// decoder that only ever receives these blocks keeps an empty table and needs no shared state.
/// </summary>
internal static class HpackLiteralEncoder
{
    private const byte LiteralWithoutIndexingNewName = 0x00;
    private const int StringLengthPrefixBits = 7;

    /// <summary>The encoded block.</summary>
    public static byte[] Encode(IEnumerable<HeaderField> fields)
    {
        var block = new ArrayBufferWriter<byte>();
        foreach (HeaderField field in fields)
        {
            block.Write([LiteralWithoutIndexingNewName]);
            WriteString(block, field.Name);
            WriteString(block, field.Value);
        }
        return block.WrittenSpan.ToArray();
    }

    private static void WriteString(ArrayBufferWriter<byte> block, byte[] octets)
    {
        WriteInteger(block, octets.Length, StringLengthPrefixBits); // H = 0: raw octets
        block.Write(octets);
    }

    /// <summary>An HPACK integer (RFC 7541 §5.1) in a prefix byte whose high bits are zero.</summary>
    private static void WriteInteger(ArrayBufferWriter<byte> block, int value, int prefixBits)
    {
        int prefixMax = (1 << prefixBits) - 1;
        if (value < prefixMax)
        {
            block.Write([(byte)value]);
            return;
        }
        block.Write([(byte)prefixMax]);
        for (value -= prefixMax; value >= 0x80; value >>= 7)
        {
            block.Write([(byte)((value & 0x7F) | 0x80)]);
        }
        block.Write([(byte)value]);
    }
}
