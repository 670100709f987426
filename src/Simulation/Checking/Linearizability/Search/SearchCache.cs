using System.Diagnostics;

namespace Cairn.Simulation.Checking.Linearizability.Search;

/// <summary>
/// The memo of configurations already explored: (linearized set, state) pairs. Open addressing
/// over flat arrays; bitsets live in one growing arena, so adding an entry allocates only when an
/// array doubles. A hit means the configuration was explored before and cannot succeed now.
/// </summary>
/// <typeparam name="TState">The model state.</typeparam>
internal sealed class SearchCache<TState>
    where TState : struct, IEquatable<TState>
{
    private readonly int wordsPerSet;
    private int[] slots = new int[1024];
    private ulong[] hashes = new ulong[512];
    private TState[] states = new TState[512];
    private ulong[] arena;

    public SearchCache(int wordsPerSet)
    {
        this.wordsPerSet = wordsPerSet;
        arena = new ulong[512 * Math.Max(1, wordsPerSet)];
    }

    public int Count { get; private set; }

    /// <summary>Bitset words stored, the dominant memory cost.</summary>
    public long Words => (long)Count * wordsPerSet;

    /// <summary>Adds the pair unless present; returns false when it was already cached.</summary>
    public bool TryAdd(LinearizedSet set, in TState state)
    {
        ulong hash = set.Hash ^ ((ulong)(uint)state.GetHashCode() * 0x9E3779B97F4A7C15UL);
        int mask = slots.Length - 1;
        int slot = (int)(hash >> 32) & mask;
        while (slots[slot] != 0)
        {
            int entry = slots[slot] - 1;
            if (hashes[entry] == hash && Matches(entry, set, state))
            {
                return false;
            }

            slot = (slot + 1) & mask;
        }

        Append(set, state, hash);
        slots[slot] = Count;
        if (Count * 2 > slots.Length)
        {
            Rehash();
        }

        return true;
    }

    private bool Matches(int entry, LinearizedSet set, in TState state) =>
        set.Words.SequenceEqual(arena.AsSpan(entry * wordsPerSet, wordsPerSet)) && states[entry].Equals(state);

    private void Append(LinearizedSet set, in TState state, ulong hash)
    {
        if (Count == hashes.Length)
        {
            Array.Resize(ref hashes, Count * 2);
            Array.Resize(ref states, Count * 2);
            Array.Resize(ref arena, checked(Count * 2 * Math.Max(1, wordsPerSet)));
        }

        hashes[Count] = hash;
        states[Count] = state;
        set.Words.CopyTo(arena.AsSpan(Count * wordsPerSet, wordsPerSet));
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
