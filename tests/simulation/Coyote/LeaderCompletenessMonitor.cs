using CoyoteMonitor = Microsoft.Coyote.Specifications.Monitor;

namespace Cairn.Simulation.Tests.Coyote;

/// <summary>
/// Raft §5.4, Leader Completeness: a leader of term T holds every entry committed with a term below T.
/// (Entries of term T or later cannot be committed before T's leader exists, given Election Safety.)
/// </summary>
internal sealed class LeaderCompletenessMonitor : CoyoteMonitor
{
    public const string Name = "LeaderCompleteness";

    private readonly SortedDictionary<ulong, ulong> _committedTerms = new();

    [Start]
    [OnEventDoAction(typeof(EntryCommitted), nameof(OnEntryCommitted))]
    [OnEventDoAction(typeof(LeaderElected), nameof(OnLeaderElected))]
    private sealed class Watching : State;

    private void OnEntryCommitted(Event e)
    {
        var c = (EntryCommitted)e;
        _committedTerms.TryAdd(c.Index, c.Term);
    }

    private void OnLeaderElected(Event e)
    {
        var leader = (LeaderElected)e;
        foreach (var (index, term) in _committedTerms)
        {
            if (term >= leader.Term) continue;
            var held = index <= (ulong)leader.LogTerms.Count ? leader.LogTerms[(int)index - 1] : 0;
            Assert(held == term, "{0} violated: leader {1} of term {2} holds term {3} at index {4}, committed with term {5}",
                Name, leader.Node, leader.Term, held, index, term);
        }
    }
}
