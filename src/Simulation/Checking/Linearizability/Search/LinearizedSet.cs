namespace Cairn.Simulation.Checking.Linearizability.Search;

/// <summary>
/// The set of operations linearized so far, as a bitset with an incremental Zobrist hash:
/// toggling bit i XORs a fixed pseudo-random word, so the hash costs O(1) per step. Two independent
/// Zobrist tables give a 128-bit fingerprint (<see cref="Hash"/>, <see cref="Hash2"/>) that the search
/// cache stores in place of large bitsets.
/// </summary>
internal sealed class LinearizedSet
{
    private readonly ulong[] words;
    private readonly ulong[] zobrist;
    private readonly ulong[] zobrist2;

    public LinearizedSet(int operations)
    {
        words = new ulong[(operations + 63) >> 6];
        zobrist = new ulong[operations];
        zobrist2 = new ulong[operations];
        ulong seed = 0x243F6A8885A308D3UL;
        ulong seed2 = 0x13198A2E03707344UL;
        for (int i = 0; i < operations; i++)
        {
            zobrist[i] = SplitMix64(ref seed);
            zobrist2[i] = SplitMix64(ref seed2);
        }
    }

    public ulong Hash { get; private set; }

    /// <summary>The second, independent 64-bit half of the set's fingerprint.</summary>
    public ulong Hash2 { get; private set; }

    public ReadOnlySpan<ulong> Words => words;

    public void Toggle(int operation)
    {
        words[operation >> 6] ^= 1UL << (operation & 63);
        Hash ^= zobrist[operation];
        Hash2 ^= zobrist2[operation];
    }

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
