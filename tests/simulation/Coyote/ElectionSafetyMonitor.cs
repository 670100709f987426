using CoyoteMonitor = Microsoft.Coyote.Specifications.Monitor;

namespace Cairn.Simulation.Tests.Coyote;

/// <summary>Raft §5.2, Election Safety: at most one leader can be elected in a given term.</summary>
internal sealed class ElectionSafetyMonitor : CoyoteMonitor
{
    public const string Name = "ElectionSafety";

    private readonly Dictionary<ulong, ulong> _leaderByTerm = new();

    [Start]
    [OnEventDoAction(typeof(LeaderElected), nameof(OnLeaderElected))]
    private sealed class Watching : State;

    private void OnLeaderElected(Event e)
    {
        var elected = (LeaderElected)e;
        if (_leaderByTerm.TryGetValue(elected.Term, out var first))
        {
            Assert(first == elected.Node, "{0} violated: nodes {1} and {2} both leader in term {3}",
                Name, first, elected.Node, elected.Term);
            return;
        }
        _leaderByTerm[elected.Term] = elected.Node;
    }
}
