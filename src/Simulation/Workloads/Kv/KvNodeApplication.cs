using Cairn.Core.Kv.Service;
using Cairn.Core.Kv.Wire;
using Cairn.Simulation.World;

namespace Cairn.Simulation.Workloads.Kv;

/// <summary>One node incarnation's KV service in the simulation: ticked by the world on the node's own
/// (skewed, drifting) clock; its replies and watch responses go back to the workload.</summary>
internal sealed class KvNodeApplication : INodeApplication, IKvReplySink
{
    private readonly KvWorkload _workload;
    private readonly SimNode _node;

    public KvNodeApplication(KvWorkload workload, SimNode node)
    {
        _workload = workload;
        _node = node;
        Incarnation = node.Incarnation;
    }

    /// <summary>The incarnation this application belongs to.</summary>
    public int Incarnation { get; }

    /// <summary>The node id.</summary>
    public int NodeId => _node.Id;

    /// <summary>The KV service (set right after construction).</summary>
    public KvNode Kv { get; set; } = null!;

    /// <summary>True while this incarnation runs.</summary>
    public bool Current => _node.Up && _node.Incarnation == Incarnation;

    /// <inheritdoc />
    public void Tick() => Kv.Tick(_node.Clock.NowMs);

    /// <summary>Attempts this incarnation admitted and has not answered yet, by request id (the connections a
    /// later reply can travel back on). A node that refuses reused ids holds at most one per id.</summary>
    public SortedDictionary<ulong, List<KvAttempt>> Admitted { get; } = new();

    /// <inheritdoc />
    public void OnReply(KvReply reply)
    {
        Checking.Kv.ReadReplyCheck.Check(_workload.Violations, _node.Id, Kv.StateMachine, reply);
        _workload.OnServiceReply(this, reply);
    }

    /// <inheritdoc />
    public void OnWatchResponse(WatchResponse response) => _workload.OnWatchResponse(this, response);
}
