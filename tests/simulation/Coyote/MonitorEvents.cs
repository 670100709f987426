using MonitorEvent = Microsoft.Coyote.Specifications.Monitor.Event;

namespace Cairn.Simulation.Tests.Coyote;

/// <summary>A node became leader of <paramref name="Term"/>; <paramref name="LogTerms"/>[i] is the term of its entry i+1.</summary>
internal sealed class LeaderElected(ulong node, ulong term, IReadOnlyList<ulong> logTerms) : MonitorEvent
{
    public ulong Node { get; } = node;
    public ulong Term { get; } = term;
    public IReadOnlyList<ulong> LogTerms { get; } = logTerms;
}

/// <summary>A node holds the entry at <paramref name="Index"/> as committed (its commit index reached it).</summary>
internal sealed class EntryCommitted(ulong node, ulong index, ulong term, string digest) : MonitorEvent
{
    public ulong Node { get; } = node;
    public ulong Index { get; } = index;
    public ulong Term { get; } = term;
    /// <summary>The entry's type and payload, so two entries with the same term but different data differ.</summary>
    public string Digest { get; } = digest;
}

/// <summary>A node's in-memory commit index changed within one incarnation of its process.</summary>
internal sealed class CommitChanged(ulong node, int incarnation, ulong from, ulong to) : MonitorEvent
{
    public ulong Node { get; } = node;
    public int Incarnation { get; } = incarnation;
    public ulong From { get; } = from;
    public ulong To { get; } = to;
}
