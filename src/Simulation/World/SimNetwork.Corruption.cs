using Cairn.Simulation.Engine;

namespace Cairn.Simulation.World;

public sealed partial class SimNetwork
{
    /// <summary>Most bits one multi-bit frame corruption flips. CRC-32C has Hamming distance 4 for any frame
    /// the codec admits, so up to 3 flipped bits are always caught.</summary>
    public const int FrameFlipsMax = 3;

    /// <summary>Longest burst of flipped bits in a frame. CRC-32C catches every burst of up to 32 bits.</summary>
    public const int FrameBurstBitsMax = 32;

    /// <summary>A damaged copy of <paramref name="frame"/>: one bit, 2–<see cref="FrameFlipsMax"/> bits anywhere
    /// (the length word included), or a burst of up to <see cref="FrameBurstBitsMax"/> bits. The frame
    /// checksum (or the length check) must drop every one.</summary>
    internal static byte[] Damage(byte[] frame, SimRandom random)
    {
        var copy = (byte[])frame.Clone();
        var bits = copy.Length * 8;
        switch (random.Next(0, 3))
        {
            case 0:
                Flip(copy, random.Next(0, bits));
                break;
            case 1:
                var flips = new SortedSet<int>();
                var want = random.Next(2, FrameFlipsMax + 1);
                while (flips.Count < Math.Min(want, bits)) flips.Add(random.Next(0, bits));
                foreach (var bit in flips) Flip(copy, bit);
                break;
            default:
                var length = Math.Min(bits, random.Next(2, FrameBurstBitsMax + 1));
                var start = random.Next(0, bits - length + 1);
                Flip(copy, start);
                Flip(copy, start + length - 1); // a burst's first and last bits differ, its inside is random
                for (var bit = start + 1; bit < start + length - 1; bit++)
                    if (random.Chance(0.5)) Flip(copy, bit);
                break;
        }
        return copy;
    }

    private static void Flip(byte[] bytes, int bit) => bytes[bit / 8] ^= (byte)(1 << (bit % 8));
}
