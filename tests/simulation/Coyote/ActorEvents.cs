using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Microsoft.Coyote.Actors;

namespace Cairn.Simulation.Tests.Coyote;

/// <summary>Starts a node actor: its configuration, its durable store (which outlives crashes) and its peers.</summary>
internal sealed class NodeSetup(RaftOptions options, RaftBugs bugs, DurableStore store, IReadOnlyList<ActorId> peers, bool lossy) : Event
{
    public RaftOptions Options { get; } = options;
    public RaftBugs Bugs { get; } = bugs;
    public DurableStore Store { get; } = store;
    /// <summary>The actor of every node, indexed by node id − 1.</summary>
    public IReadOnlyList<ActorId> Peers { get; } = peers;
    /// <summary>When true, links drop and duplicate messages; they always may delay (reorder) them.</summary>
    public bool Lossy { get; } = lossy;
}

/// <summary>Starts the clock actor: it ticks the nodes, paces the client and crashes nodes.</summary>
internal sealed class ClockSetup(IReadOnlyList<ActorId> nodes, ActorId client, int ticksMax, int crashesMax) : Event
{
    public IReadOnlyList<ActorId> Nodes { get; } = nodes;
    public ActorId Client { get; } = client;
    public int TicksMax { get; } = ticksMax;
    public int CrashesMax { get; } = crashesMax;
}

/// <summary>Starts the client actor with the nodes it may propose to.</summary>
internal sealed class ClientSetup(IReadOnlyList<ActorId> nodes, int commandsMax) : Event
{
    public IReadOnlyList<ActorId> Nodes { get; } = nodes;
    public int CommandsMax { get; } = commandsMax;
}

/// <summary>A Raft message delivered over a link from one node actor to another.</summary>
internal sealed class RaftMessage(Message message) : Event
{
    public Message Message { get; } = message;
}

/// <summary>One logical clock tick for a node.</summary>
internal sealed class Tick : Event;

/// <summary>The clock advances by one step.</summary>
internal sealed class Advance : Event;

/// <summary>The client may send its next proposal.</summary>
internal sealed class ClientTurn : Event;

/// <summary>The node's process crashes and restarts from its durable store; unsynced writes are lost.</summary>
internal sealed class CrashRestart : Event;

/// <summary>
/// The disk finished syncing one write of one incarnation. A node sends this to itself, so Coyote
/// interleaves sync completion with message delivery, ticks and crashes.
/// </summary>
internal sealed class Persisted(int incarnation, long writeId) : Event
{
    public int Incarnation { get; } = incarnation;
    public long WriteId { get; } = writeId;
}

/// <summary>A client asks a node to propose a command.</summary>
internal sealed class ProposeRequest(ActorId client, byte[] command) : Event
{
    public ActorId Client { get; } = client;
    public byte[] Command { get; } = command;
}

/// <summary>The node's answer: whether the command entered its log as leader.</summary>
internal sealed class ProposeReply(bool accepted) : Event
{
    public bool Accepted { get; } = accepted;
}
