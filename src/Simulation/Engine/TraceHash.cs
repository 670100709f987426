namespace Cairn.Simulation.Engine;

/// <summary>
/// A running 64-bit hash of every processed event (FNV-1a over integers). Two runs with the same seed
/// must produce the same value in separate processes; that is the determinism test.
/// </summary>
public sealed class TraceHash
{
    private ulong _h = 14695981039346656037UL;

    /// <summary>The hash so far.</summary>
    public ulong Value => _h;

    /// <summary>Mixes one value into the hash.</summary>
    public void Add(long v)
    {
        var x = (ulong)v;
        for (var i = 0; i < 8; i++)
        {
            _h ^= x & 0xFF;
            _h *= 1099511628211UL;
            x >>= 8;
        }
    }
}
