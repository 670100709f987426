using CoyoteMonitor = Microsoft.Coyote.Specifications.Monitor;

namespace Cairn.Simulation.Tests.Coyote;

/// <summary>
/// A node's commit index never moves backwards while its process lives (Raft Figure 2: commitIndex
/// "increases monotonically"). A restart may recover a lower, durable commit index; that is a new incarnation.
/// </summary>
internal sealed class CommitMonotonicMonitor : CoyoteMonitor
{
    public const string Name = "CommitMonotonic";

    private readonly Dictionary<(ulong Node, int Incarnation), ulong> _highest = new();

    [Start]
    [OnEventDoAction(typeof(CommitChanged), nameof(OnCommitChanged))]
    private sealed class Watching : State;

    private void OnCommitChanged(Event e)
    {
        var c = (CommitChanged)e;
        var key = (c.Node, c.Incarnation);
        var highest = _highest.GetValueOrDefault(key);
        Assert(c.To >= highest, "{0} violated: node {1} (incarnation {2}) moved its commit index from {3} back to {4}",
            Name, c.Node, c.Incarnation, highest, c.To);
        _highest[key] = c.To;
    }
}
