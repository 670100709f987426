using System.Text;
using Cairn.Core.Wire;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Cairn.Property.Tests.Wire;

/// <summary>CRC-32C (Castagnoli): published check values, and agreement with a bytewise table-free reference.</summary>
public sealed class Crc32CProperties
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(500);

    /// <summary>The reflected Castagnoli polynomial.</summary>
    private const uint Polynomial = 0x82F63B78;

    /// <summary>Bit-at-a-time update of a running (pre-inverted) CRC register; composable across chunks.</summary>
    private static uint Update(uint register, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            register ^= b;
            for (var k = 0; k < 8; k++) register = (register & 1) != 0 ? (register >> 1) ^ Polynomial : register >> 1;
        }
        return register;
    }

    private static uint Reference(ReadOnlySpan<byte> data) => ~Update(0xFFFFFFFF, data);

    [Fact]
    public void Check_value_of_123456789() => Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void Check_value_of_32_zero_bytes() => Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));

    [Fact]
    public void Check_value_of_32_0xFF_bytes() =>
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));

    [Fact]
    public void Empty_input_is_zero() => Assert.Equal(0u, Crc32C.Compute(ReadOnlySpan<byte>.Empty));

    [Fact]
    public void Reference_agrees_with_the_known_vectors()
    {
        Assert.Equal(0xE3069283u, Reference(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0x8A9136AAu, Reference(new byte[32]));
    }

    /// <summary>Arbitrary lengths and start offsets exercise the 8-byte hardware loop, its tail, and unaligned reads.</summary>
    [Fact]
    public void Agrees_with_bytewise_reference_on_any_slice()
    {
        var arb = (from data in Gen.Choose(0, 200).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n))
                   from start in Gen.Choose(0, 200)
                   select (data, start)).ToArbitrary();
        Prop.ForAll(arb, run =>
        {
            var slice = run.data.AsSpan(Math.Min(run.start, run.data.Length));
            Assert.Equal(Reference(slice), Crc32C.Compute(slice));
        }).Check(Runs);
    }

    /// <summary>The reference fed in arbitrary chunks gives the one-shot CRC of the whole input.</summary>
    [Fact]
    public void Incremental_reference_over_chunks_agrees_with_one_shot()
    {
        var arb = (from data in Gen.Choose(0, 200).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n))
                   from cuts in Gen.Choose(0, 5).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 200), n))
                   select (data, cuts)).ToArbitrary();
        Prop.ForAll(arb, run =>
        {
            var register = 0xFFFFFFFFu;
            var at = 0;
            foreach (var cut in run.cuts.Select(c => Math.Min(c, run.data.Length)).Order())
            {
                register = Update(register, run.data.AsSpan(at, cut - at));
                at = cut;
            }
            register = Update(register, run.data.AsSpan(at));
            Assert.Equal(Crc32C.Compute(run.data), ~register);
        }).Check(Runs);
    }

    [Fact]
    public void Detects_every_single_bit_error_in_short_inputs()
    {
        var data = Encoding.ASCII.GetBytes("cairn raft frame payload");
        var good = Crc32C.Compute(data);
        for (var bit = 0; bit < data.Length * 8; bit++)
        {
            data[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.NotEqual(good, Crc32C.Compute(data));
            data[bit / 8] ^= (byte)(1 << (bit % 8));
        }
    }
}
