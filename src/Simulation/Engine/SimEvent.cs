namespace Cairn.Simulation.Engine;

/// <summary>
/// One scheduled event: a sealed record per kind (World/WorldEvents.cs) carries its own typed fields.
/// Events are immutable, so a recurring or postponed event is scheduled again as the same instance.
/// </summary>
/// <param name="Node">The node (or, for a client wake, the client) the event is for; 0 for world-wide events.</param>
internal abstract record SimEvent(int Node)
{
    /// <summary>The event's kind, as mixed into the trace hash.</summary>
    public abstract EventKind Kind { get; }

    /// <summary>The one event field the trace hash covers besides time, kind and node (the sender of a frame,
    /// the write id of a sync, a client's index or wake token, a phase's code). Fixed per kind, so recorded
    /// seeds keep their hashes.</summary>
    public virtual long TraceValue => 0;
}
