using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;

namespace Cairn.Core.Runtime;

/// <summary>Watches a node's outputs; the simulator's checkers implement it. Observers must not mutate.</summary>
public interface INodeObserver
{
    /// <summary>Called with each Ready before the runtime carries it out.</summary>
    void OnReady(ulong node, Ready ready);

    /// <summary>Called after the state machine applied the entry.</summary>
    void OnApplied(ulong node, Entry entry);
}
