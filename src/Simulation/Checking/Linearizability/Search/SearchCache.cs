using System.Diagnostics;

namespace Cairn.Simulation.Checking.Linearizability.Search;

/// <summary>
/// The memo of configurations already explored: (linearized set, state) pairs. Open addressing
/// over flat arrays; keys live in one growing arena, so adding an entry allocates only when an
/// array doubles. A hit means the configuration was explored before and cannot succeed now.
/// Sets of up to <see cref="ExactWordsMax"/> words (128 operations) are stored exactly; larger ones
/// as their 128-bit Zobrist fingerprint, as TLC stores states: this cuts memory per entry from n/64
/// words to 2, so long histories fit. A fingerprint collision (probability about
/// entries² / 2¹²⁹, below 10⁻²⁴ at the default limits) could only prune a branch, so it could turn a
/// linearizable verdict into a false alarm, never hide a violation.
/// </summary>
/// <typeparam name="TState">The model state.</typeparam>
internal sealed class SearchCache<TState>
    where TState : struct, IEquatable<TState>
{
    /// <summary>Largest bitset, in 64-bit words, stored exactly.</summary>
    public const int ExactWordsMax = 2;

    private readonly bool exact;
    private readonly int wordsPerSet;
    private int[] slots = new int[1024];
    private ulong[] hashes = new ulong[512];
    private TState[] states = new TState[512];
    private ulong[] arena;

    public SearchCache(int wordsPerSet)
    {
        exact = wordsPerSet <= ExactWordsMax;
        this.wordsPerSet = exact ? wordsPerSet : 2;
        arena = new ulong[512 * Math.Max(1, wordsPerSet)];
    }

    public int Count { get; private set; }

    /// <summary>Key words stored (bitsets or fingerprints), the dominant memory cost.</summary>
    public long Words => (long)Count * wordsPerSet;

    /// <summary>Adds the pair unless present; returns false when it was already cached.</summary>
    public bool TryAdd(LinearizedSet set, in TState state)
    {
        ulong hash = set.Hash ^ ((ulong)(uint)state.GetHashCode() * 0x9E3779B97F4A7C15UL);
        Span<ulong> buffer = stackalloc ulong[2];
        ReadOnlySpan<ulong> key = Key(set, buffer);
        int mask = slots.Length - 1;
        int slot = (int)(hash >> 32) & mask;
        while (slots[slot] != 0)
        {
            int entry = slots[slot] - 1;
            if (hashes[entry] == hash && Matches(entry, key, state))
            {
                return false;
            }

            slot = (slot + 1) & mask;
        }

        Append(key, state, hash);
        slots[slot] = Count;
        if (Count * 2 > slots.Length)
        {
            Rehash();
        }

        return true;
    }

    /// <summary>The stored form of <paramref name="set"/>: its words, or its fingerprint in <paramref name="buffer"/>.</summary>
    private ReadOnlySpan<ulong> Key(LinearizedSet set, Span<ulong> buffer)
    {
        if (exact)
        {
            return set.Words;
        }

        buffer[0] = set.Hash;
        buffer[1] = set.Hash2;
        return buffer;
    }

    private bool Matches(int entry, ReadOnlySpan<ulong> key, in TState state) =>
        key.SequenceEqual(arena.AsSpan(entry * wordsPerSet, wordsPerSet)) && states[entry].Equals(state);

    private void Append(ReadOnlySpan<ulong> key, in TState state, ulong hash)
    {
        if (Count == hashes.Length)
        {
            Array.Resize(ref hashes, Count * 2);
            Array.Resize(ref states, Count * 2);
            Array.Resize(ref arena, checked(Count * 2 * Math.Max(1, wordsPerSet)));
        }

        hashes[Count] = hash;
        states[Count] = state;
        key.CopyTo(arena.AsSpan(Count * wordsPerSet, wordsPerSet));
        Count++;
    }

    private void Rehash()
    {
        slots = new int[slots.Length * 2];
        int mask = slots.Length - 1;
        for (int entry = 0; entry < Count; entry++)
        {
            int slot = (int)(hashes[entry] >> 32) & mask;
            while (slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            slots[slot] = entry + 1;
        }

        Debug.Assert(Count * 2 <= slots.Length, "load factor above one half after rehash");
    }
}
