using Cairn.Core.Raft.Wire;

namespace Cairn.Simulation.Checking;

/// <summary>Stable 64-bit digests of log entries (FNV-1a), so checkers compare entries without keeping copies.</summary>
public static class EntryDigest
{
    /// <summary>Digest of an entry's term, type and payload.</summary>
    public static ulong Of(Entry e) => OfPayload(e.Term * 31 + (ulong)e.Type, e.Data.Span);

    /// <summary>Digest of a command payload under a salt.</summary>
    public static ulong OfPayload(ulong salt, ReadOnlySpan<byte> data)
    {
        var h = 14695981039346656037UL ^ salt;
        foreach (var b in data) { h ^= b; h *= 1099511628211UL; }
        return h;
    }

    /// <summary>Chains a digest onto its predecessor's chain value (for log matching).</summary>
    public static ulong Chain(ulong previous, ulong digest) => (previous ^ digest) * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL;
}
