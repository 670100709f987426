namespace Cairn.Host.Ops;

/// <summary>
/// Decodes HPACK header blocks (RFC 7541) as the peer's encoder wrote them, block after block on one
/// connection, so its dynamic table mirrors the encoder's. Anything malformed throws
/// <see cref="HeaderBlockRefusedException"/>; after that the decoder (and the connection) is unusable.
/// </summary>
internal sealed class HpackDecoder
{
    /// <summary>Most decoded bytes per block (each field's name + value + 32); indexed fields could otherwise replay the table without bound.</summary>
    public const int DecodedBlockBytesMax = 64 * 1024;

    // Integers above 2^28 are never a valid length or index here; the bound keeps the arithmetic in range.
    private const int IntegerContinuationShiftMax = 21;

    private readonly HpackDynamicTable _table;
    private readonly int _tableSizeLimit;

    /// <param name="tableSizeLimit">SETTINGS_HEADER_TABLE_SIZE as this side advertised it: the most a size update may ask for.</param>
    public HpackDecoder(int tableSizeLimit)
    {
        _tableSizeLimit = tableSizeLimit;
        _table = new HpackDynamicTable(tableSizeLimit);
    }

    /// <summary>The decoder's dynamic table (read by tests).</summary>
    public HpackDynamicTable Table => _table;

    /// <summary>Decodes one complete header block into its fields, in order, updating the dynamic table.</summary>
    public List<HeaderField> Decode(ReadOnlySpan<byte> block)
    {
        var fields = new List<HeaderField>();
        int decodedBytes = 0;
        int position = 0;
        while (position < block.Length)
        {
            byte first = block[position];
            if ((first & 0xE0) == 0x20)
            {
                UpdateTableSize(block, ref position, fieldsSoFar: fields.Count);
                continue;
            }
            HeaderField field = DecodeField(block, ref position);
            decodedBytes += field.Size;
            if (decodedBytes > DecodedBlockBytesMax)
            {
                throw new HeaderBlockRefusedException($"a header block decodes to more than {DecodedBlockBytesMax} bytes");
            }
            fields.Add(field);
        }
        return fields;
    }

    private HeaderField DecodeField(ReadOnlySpan<byte> block, ref int position)
    {
        byte first = block[position];
        if ((first & 0x80) != 0)
        {
            int index = ReadInteger(block, ref position, prefixBits: 7);
            return Lookup(index);
        }
        bool incremental = (first & 0xC0) == 0x40; // else 0000 (without indexing) or 0001 (never indexed)
        int nameIndex = ReadInteger(block, ref position, prefixBits: incremental ? 6 : 4);
        byte[] name = nameIndex == 0 ? ReadString(block, ref position) : Lookup(nameIndex).Name;
        var field = new HeaderField(name, ReadString(block, ref position));
        if (incremental)
        {
            _table.Add(field);
        }
        return field;
    }

    private void UpdateTableSize(ReadOnlySpan<byte> block, ref int position, int fieldsSoFar)
    {
        if (fieldsSoFar > 0)
        {
            throw new HeaderBlockRefusedException("a dynamic table size update after a header field");
        }
        int size = ReadInteger(block, ref position, prefixBits: 5);
        if (size > _tableSizeLimit)
        {
            throw new HeaderBlockRefusedException($"a dynamic table size update to {size}, above the advertised {_tableSizeLimit}");
        }
        _table.Resize(size);
    }

    private HeaderField Lookup(int index)
    {
        if (index >= 1 && index <= HpackStaticTable.Count)
        {
            return HpackStaticTable.Get(index);
        }
        int dynamicIndex = index - HpackStaticTable.Count;
        if (index == 0 || dynamicIndex > _table.Count)
        {
            throw new HeaderBlockRefusedException($"header table index {index} is out of range");
        }
        return _table.Get(dynamicIndex);
    }

    private static byte[] ReadString(ReadOnlySpan<byte> block, ref int position)
    {
        if (position >= block.Length)
        {
            throw new HeaderBlockRefusedException("a header block ends before a string literal");
        }
        bool huffman = (block[position] & 0x80) != 0;
        int length = ReadInteger(block, ref position, prefixBits: 7);
        if (length > block.Length - position)
        {
            throw new HeaderBlockRefusedException("a string literal runs past the end of its header block");
        }
        ReadOnlySpan<byte> octets = block.Slice(position, length);
        position += length;
        return huffman ? HpackHuffman.Decode(octets) : octets.ToArray();
    }

    /// <summary>An HPACK integer with an N-bit prefix (RFC 7541 §5.1), starting at the prefix byte.</summary>
    private static int ReadInteger(ReadOnlySpan<byte> block, ref int position, int prefixBits)
    {
        int prefixMax = (1 << prefixBits) - 1;
        int value = block[position++] & prefixMax;
        if (value < prefixMax)
        {
            return value;
        }
        for (int shift = 0; ; shift += 7)
        {
            if (position >= block.Length)
            {
                throw new HeaderBlockRefusedException("a header block ends inside an integer");
            }
            if (shift > IntegerContinuationShiftMax)
            {
                throw new HeaderBlockRefusedException("an integer in a header block is too large");
            }
            byte next = block[position++];
            value += (next & 0x7F) << shift;
            if ((next & 0x80) == 0)
            {
                return value;
            }
        }
    }
}
