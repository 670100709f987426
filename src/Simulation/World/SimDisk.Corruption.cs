using Cairn.Core.Raft.Wire;

namespace Cairn.Simulation.World;

/// <summary>
/// Storage faults beyond a single flipped bit: damage a payload checksum alone cannot classify (several bits,
/// bursts, the length word, mid-log or at the end), misdirected writes and lost writes. Each is detected on
/// load by the header checksum, the record's own sequence or the sync watermark (docs/simulation.md).
/// </summary>
public sealed partial class SimDisk
{
    /// <summary>Longest burst of garbage bytes a damage event writes.</summary>
    public const int BurstBytesMax = 64;

    /// <summary>Most bits one multi-bit damage event flips.</summary>
    public const int MultiBitFlipsMax = 8;

    /// <summary>Records damaged (multi-bit, burst, length word), writes lost, and writes misdirected so far.</summary>
    public long RecordsDamaged, WritesLost, WritesMisdirected;

    /// <summary>Stores one record whose fsync completed, suffering this disk's write faults.</summary>
    private void Store(byte[] bytes, LogRecord decoded)
    {
        var random = Faults.Random;
        if (Faults.LostWriteRate > 0 && random.Chance(Faults.LostWriteRate))
        {
            _durable.Add(new StoredRecord(new byte[bytes.Length], null)); // the slot keeps what it held: nothing
            WritesLost++;
            return;
        }
        if (Faults.MisdirectRate > 0 && _durable.Count > 0 && random.Chance(Faults.MisdirectRate))
        {
            _durable[random.Next(0, _durable.Count)] = new StoredRecord(bytes, null); // overwrites an older record
            _durable.Add(new StoredRecord(new byte[bytes.Length], null));
            WritesMisdirected++;
            return;
        }
        var flipped = Faults.WriteFlipRate > 0 && random.Chance(Faults.WriteFlipRate);
        if (flipped) bytes = FlipBit(bytes);
        _durable.Add(new StoredRecord(bytes, flipped ? null : decoded));
        if (Faults.DamageRate > 0 && random.Chance(Faults.DamageRate))
            Damage(random.Chance(0.5) ? _durable.Count - 1 : random.Next(0, _durable.Count), (RecordDamage)random.Next(0, 3));
    }

    /// <summary>The shapes of damage a stored record suffers.</summary>
    internal enum RecordDamage
    {
        /// <summary>2–<see cref="MultiBitFlipsMax"/> bits flip anywhere in the record.</summary>
        MultiBit,
        /// <summary>A run of up to <see cref="BurstBytesMax"/> bytes is overwritten with garbage.</summary>
        Burst,
        /// <summary>1–3 bits of the length word flip.</summary>
        LengthWord,
    }

    /// <summary>Damages slot <paramref name="slot"/> (latent rot when it is an older one).</summary>
    internal void Damage(int slot, RecordDamage damage)
    {
        var random = Faults.Random;
        var copy = (byte[])_durable[slot].Bytes.Clone();
        if (copy.Length == 0) return;
        switch (damage)
        {
            case RecordDamage.MultiBit:
                for (var i = random.Next(2, MultiBitFlipsMax + 1); i > 0; i--) FlipOne(copy, random.Next(0, copy.Length * 8));
                break;
            case RecordDamage.Burst:
                var start = random.Next(0, copy.Length);
                var end = Math.Min(copy.Length, start + random.Next(2, BurstBytesMax + 1));
                for (var i = start; i < end; i++) copy[i] = (byte)random.Next(0, 256);
                copy[start] ^= 0x80; // a burst always changes its first byte
                break;
            default:
                var before = copy.Length >= 4 ? BitConverter.ToUInt32(copy, 0) : 0;
                for (var i = random.Next(1, 4); i > 0; i--) FlipOne(copy, random.Next(0, Math.Min(32, copy.Length * 8)));
                if (copy.Length >= 4 && BitConverter.ToUInt32(copy, 0) == before) FlipOne(copy, 0); // flips that cancelled out
                break;
        }
        _durable[slot] = new StoredRecord(copy, null);
        RecordsDamaged++;
    }

    private static void FlipOne(byte[] bytes, int bit) => bytes[bit / 8] ^= (byte)(1 << (bit % 8));
}
