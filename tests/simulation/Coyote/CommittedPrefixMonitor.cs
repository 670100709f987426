using CoyoteMonitor = Microsoft.Coyote.Specifications.Monitor;

namespace Cairn.Simulation.Tests.Coyote;

/// <summary>
/// Raft §5.3–5.4, Log Matching restricted to committed entries and State Machine Safety: every node
/// that holds index i as committed holds the same entry there (same term, same payload).
/// </summary>
internal sealed class CommittedPrefixMonitor : CoyoteMonitor
{
    public const string Name = "CommittedPrefixAgreement";

    private readonly Dictionary<ulong, EntryCommitted> _committed = new();

    [Start]
    [OnEventDoAction(typeof(EntryCommitted), nameof(OnEntryCommitted))]
    private sealed class Watching : State;

    private void OnEntryCommitted(Event e)
    {
        var c = (EntryCommitted)e;
        if (!_committed.TryGetValue(c.Index, out var first))
        {
            _committed[c.Index] = c;
            return;
        }
        Assert(first.Term == c.Term && first.Digest == c.Digest,
            "{0} violated at index {1}: node {2} committed term {3} ({4}), node {5} committed term {6} ({7})",
            Name, c.Index, first.Node, first.Term, first.Digest, c.Node, c.Term, c.Digest);
    }
}
