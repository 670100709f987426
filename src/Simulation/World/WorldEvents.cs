using Cairn.Simulation.Engine;
using Cairn.Simulation.Workloads;

namespace Cairn.Simulation.World;

/// <summary>A node's tick timer fires; a tick of an earlier incarnation is discarded.</summary>
internal sealed record TickEvent(int Node, int Incarnation) : SimEvent(Node)
{
    /// <inheritdoc />
    public override EventKind Kind => EventKind.Tick;
}

/// <summary>A frame from <paramref name="From"/> arrives at <paramref name="To"/>.</summary>
internal sealed record DeliverEvent(int From, int To, byte[] Frame) : SimEvent(To)
{
    /// <inheritdoc />
    public override EventKind Kind => EventKind.Deliver;

    /// <inheritdoc />
    public override long TraceValue => From;
}

/// <summary>The transport tells <paramref name="Node"/> that <paramref name="Peer"/> was unreachable; when
/// <paramref name="SnapshotLost"/>, a snapshot chunk to it was among the frames lost.</summary>
internal sealed record ReportEvent(int Node, int Peer, bool SnapshotLost) : SimEvent(Node)
{
    /// <inheritdoc />
    public override EventKind Kind => EventKind.Report;

    /// <inheritdoc />
    public override long TraceValue => Peer * 2 + (SnapshotLost ? 1 : 0);
}

/// <summary>How a scheduled disk sync completes.</summary>
internal enum SyncOutcome
{
    /// <summary>Every write through the id is durable (the disk completes in order).</summary>
    InOrder,
    /// <summary>A group sync: every write through the id is durable, reported once for the group.</summary>
    Cumulative,
    /// <summary>Only this write is durable (the accept-out-of-order-completion canary's broken disk).</summary>
    Only,
    /// <summary>The fsync failed: the node must fail-stop.</summary>
    Failed,
}

/// <summary>Node <paramref name="Node"/>'s sync of write <paramref name="WriteId"/> finishes.</summary>
internal sealed record DiskDoneEvent(int Node, int Incarnation, long WriteId, SyncOutcome Outcome) : SimEvent(Node)
{
    /// <inheritdoc />
    public override EventKind Kind => EventKind.DiskDone;

    /// <inheritdoc />
    public override long TraceValue => WriteId;
}

/// <summary>Node <paramref name="Node"/>'s snapshot job (written when it started, deterministically) finishes after the
/// simulated time its size takes.</summary>
internal sealed record SnapshotProducedEvent(int Node, int Incarnation, Cairn.Core.Runtime.SnapshotJob Job) : SimEvent(Node)
{
    /// <inheritdoc />
    public override EventKind Kind => EventKind.SnapshotProduced;

    /// <inheritdoc />
    public override long TraceValue => Job.Length;
}

/// <summary>A client request reaches node <paramref name="Node"/>.</summary>
/// <param name="Node">The node.</param>
/// <param name="Client">The sending client's index; null for a watch stream's calls (traced as 0).</param>
/// <param name="Request">The request.</param>
internal sealed record ClientRequestEvent(int Node, int? Client, ISimRequest Request) : SimEvent(Node)
{
    /// <inheritdoc />
    public override EventKind Kind => EventKind.ClientRequest;

    /// <inheritdoc />
    public override long TraceValue => Client ?? 0;
}

/// <summary>A client's timer fires or its answer arrives.</summary>
/// <param name="Client">The client's index.</param>
/// <param name="Token">The workload's wake token (which timer, or the request id answered).</param>
/// <param name="Message">The answer or the workload's own note; null for a timer.</param>
internal sealed record ClientWakeEvent(int Client, long Token, object? Message) : SimEvent(Client)
{
    /// <inheritdoc />
    public override EventKind Kind => EventKind.ClientWake;

    /// <inheritdoc />
    public override long TraceValue => Token;
}

/// <summary>The nemesis takes its next action.</summary>
internal sealed record NemesisEvent() : SimEvent(0)
{
    /// <summary>The one instance (the event has no fields).</summary>
    public static NemesisEvent Instance { get; } = new();

    /// <inheritdoc />
    public override EventKind Kind => EventKind.Nemesis;
}

/// <summary>Crashed node <paramref name="Node"/> restarts.</summary>
internal sealed record RestartEvent(int Node) : SimEvent(Node)
{
    /// <inheritdoc />
    public override EventKind Kind => EventKind.Restart;
}

/// <summary>A phase boundary: the heal, or the end of a timed fault. Its code is what the trace hash covers.</summary>
internal abstract record PhaseEvent(int Node) : SimEvent(Node)
{
    /// <inheritdoc />
    public sealed override EventKind Kind => EventKind.Phase;
}

/// <summary>The safety phase ends: every fault heals and the liveness phase begins.</summary>
internal sealed record HealEvent() : PhaseEvent(0)
{
    /// <inheritdoc />
    public override long TraceValue => 1;
}

/// <summary>A partition ends: <paramref name="Links"/> are restored.</summary>
internal sealed record UnblockEvent(IReadOnlyList<(int From, int To)> Links) : PhaseEvent(0)
{
    /// <inheritdoc />
    public override long TraceValue => 2;
}

/// <summary>A crash fault point fires: node <paramref name="Node"/> crashes shortly after.</summary>
internal sealed record CrashQuicklyEvent(int Node) : PhaseEvent(Node)
{
    /// <inheritdoc />
    public override long TraceValue => 3;
}

/// <summary>A bandwidth limit on the link <paramref name="From"/> → <paramref name="To"/> ends.</summary>
internal sealed record UnlimitEvent(int From, int To) : PhaseEvent(From)
{
    /// <inheritdoc />
    public override long TraceValue => 4;
}
