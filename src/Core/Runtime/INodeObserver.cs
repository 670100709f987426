using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;

namespace Cairn.Core.Runtime;

/// <summary>Watches a node's outputs; the simulator's checkers implement it. Observers must not mutate.</summary>
public interface INodeObserver
{
    /// <summary>Called with each Ready before the runtime carries it out.</summary>
    void OnReady(ulong node, Ready ready);

    /// <summary>Called when a message actually leaves the node (after any persistence it waited for).</summary>
    void OnSent(ulong node, Message message);

    /// <summary>Called after the state machine applied the entry.</summary>
    void OnApplied(ulong node, Entry entry);

    /// <summary>Called after the state machine was restored from a durable snapshot installed from a leader.</summary>
    void OnSnapshotRestored(ulong node, SnapshotRecord snapshot) { }
}
