extern alias CairnServer;
using CairnServer::Cairn.Host.Ops;
using Xunit;

namespace Cairn.Host.Tests.Http2;

/// <summary>The HPACK decoder against RFC 7541 Appendix C, and its refusals.</summary>
public sealed class HpackDecoderTests
{
    private const string Date21 = "date: Mon, 21 Oct 2013 20:13:21 GMT";
    private const string Date22 = "date: Mon, 21 Oct 2013 20:13:22 GMT";
    private const string Cookie = "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";

    [Fact]
    public void C2_single_representations()
    {
        var decoder = new HpackDecoder(4096);
        Assert.Equal(["custom-key: custom-header"], Decode(decoder, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"));
        Assert.Equal(55, decoder.Table.Size);
        Assert.Equal([":path: /sample/path"], Decode(new HpackDecoder(4096), "040c 2f73 616d 706c 652f 7061 7468"));
        Assert.Equal(["password: secret"], Decode(new HpackDecoder(4096), "1008 7061 7373 776f 7264 0673 6563 7265 74"));
        Assert.Equal([":method: GET"], Decode(new HpackDecoder(4096), "82"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void C3_and_C4_requests_share_the_dynamic_table(bool huffman)
    {
        var decoder = new HpackDecoder(4096);
        string[] blocks = huffman
            ? ["8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff", "8286 84be 5886 a8eb 1064 9cbf", "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"]
            : ["8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", "8286 84be 5808 6e6f 2d63 6163 6865", "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65"];
        Assert.Equal([":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com"], Decode(decoder, blocks[0]));
        Assert.Equal(57, decoder.Table.Size);
        Assert.Equal([":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com", "cache-control: no-cache"], Decode(decoder, blocks[1]));
        Assert.Equal(110, decoder.Table.Size);
        Assert.Equal([":method: GET", ":scheme: https", ":path: /index.html", ":authority: www.example.com", "custom-key: custom-value"], Decode(decoder, blocks[2]));
        Assert.Equal(164, decoder.Table.Size);
        Assert.Equal(["custom-key: custom-value", "cache-control: no-cache", ":authority: www.example.com"], Entries(decoder));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void C5_and_C6_responses_evict_from_a_256_octet_table(bool huffman)
    {
        var decoder = new HpackDecoder(4096);
        decoder.Decode(Hex("3fe1 01")); // a size update to 256 (prefix 31 + 225), as the examples' table is set up
        string[] blocks = huffman ? HuffmanResponses : PlainResponses;
        Assert.Equal([":status: 302", "cache-control: private", Date21, "location: https://www.example.com"], Decode(decoder, blocks[0]));
        Assert.Equal(222, decoder.Table.Size);
        Assert.Equal([":status: 307", "cache-control: private", Date21, "location: https://www.example.com"], Decode(decoder, blocks[1]));
        Assert.Equal(222, decoder.Table.Size);
        Assert.Equal([":status: 307", "location: https://www.example.com", Date21, "cache-control: private"], Entries(decoder));
        Assert.Equal([":status: 200", "cache-control: private", Date22, "location: https://www.example.com", "content-encoding: gzip", Cookie], Decode(decoder, blocks[2]));
        Assert.Equal(215, decoder.Table.Size);
        Assert.Equal([Cookie, "content-encoding: gzip", Date22], Entries(decoder));
    }

    [Theory]
    [InlineData("80", "index 0")]
    [InlineData("be", "index 62 with an empty dynamic table")]
    [InlineData("400a 6375", "a string past the end of the block")]
    [InlineData("ff", "an integer cut short")]
    [InlineData("ffff ffff ff7f", "an integer above 2^28")]
    [InlineData("3fe2 1f", "a size update above the advertised 4096")]
    [InlineData("82 20", "a size update after a field")]
    [InlineData("0481 00", "Huffman padding of zeros")]
    [InlineData("0484 ffff ffff", "Huffman padding longer than 7 bits / EOS")]
    public void Malformed_blocks_are_refused(string hex, string why)
    {
        Assert.Throws<HeaderBlockRefusedException>(() => new HpackDecoder(4096).Decode(Hex(hex)));
        Assert.NotEmpty(why);
    }

    [Fact]
    public void A_block_that_replays_the_table_past_the_bound_is_refused()
    {
        var decoder = new HpackDecoder(4096);
        decoder.Decode([0x40, 0x01, (byte)'k', 0x7F, 0xA1, 0x1E, .. new byte[4000]]); // k: 4000 zero octets (127 + 33 + 30·128), indexed
        byte[] replays = Enumerable.Repeat((byte)0xBE, HpackDecoder.DecodedBlockBytesMax / 4000 + 1).ToArray();
        Assert.Throws<HeaderBlockRefusedException>(() => decoder.Decode(replays));
    }

    [Fact]
    public void Random_and_mutated_blocks_decode_or_are_refused_never_anything_else()
    {
        var random = new Random(7541);
        byte[][] valid = [.. HuffmanResponses.Concat(PlainResponses).Select(Hex)];
        for (int i = 0; i < 20_000; i++)
        {
            byte[] block = i % 2 == 0 ? RandomBytes(random) : Mutated(random, valid[random.Next(valid.Length)]);
            try
            {
                new HpackDecoder(4096).Decode(block);
            }
            catch (HeaderBlockRefusedException)
            {
            }
        }
    }

    [Fact]
    public void The_huffman_table_is_the_canonical_complete_code_of_rfc_7541()
    {
        // Kraft: a complete prefix code sums to exactly one (in units of 2^-30, the longest code).
        Assert.Equal(1L << 30, Enumerable.Range(0, 257).Sum(s => 1L << (30 - HpackHuffman.CodeOf(s).Length)));
        // Appendix B's code is canonical: ordered by (length, symbol), each code is the previous + 1, shifted to its length.
        int[] order = [.. Enumerable.Range(0, 257).OrderBy(s => HpackHuffman.CodeOf(s).Length).ThenBy(s => s)];
        uint expected = 0;
        for (int i = 1; i < order.Length; i++)
        {
            expected = (expected + 1) << (HpackHuffman.CodeOf(order[i]).Length - HpackHuffman.CodeOf(order[i - 1]).Length);
            Assert.Equal(expected, HpackHuffman.CodeOf(order[i]).Code);
        }
        Assert.Equal((0x3fffffffu, 30), HpackHuffman.CodeOf(HpackHuffman.EndOfString));
    }

    private static readonly string[] PlainResponses =
    [
        "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
        "4803 3330 37c1 c0bf",
        "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31",
    ];

    private static readonly string[] HuffmanResponses =
    [
        "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
        "4883 640e ffc1 c0bf",
        "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07",
    ];

    private static byte[] RandomBytes(Random random)
    {
        byte[] block = new byte[random.Next(1, 64)];
        random.NextBytes(block);
        return block;
    }

    private static byte[] Mutated(Random random, byte[] block)
    {
        byte[] copy = [.. block];
        copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        return random.Next(2) == 0 ? copy : copy[..random.Next(copy.Length)];
    }

    internal static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    private static string[] Decode(HpackDecoder decoder, string hex) => [.. decoder.Decode(Hex(hex)).Select(f => f.ToString())];

    private static string[] Entries(HpackDecoder decoder) => [.. Enumerable.Range(1, decoder.Table.Count).Select(i => decoder.Table.Get(i).ToString())];
}
