using Cairn.Core.Kv;
using Cairn.Core.StateMachine;
using Cairn.Simulation.Checking.Kv;

namespace Cairn.Simulation.Workloads.Kv;

/// <summary>The KV state machine of one node incarnation, reporting its state after every apply to the
/// <see cref="ReplicaAgreementCheck"/> through <c>onApplied</c>.</summary>
internal sealed class RecordingStateMachine(KvStateMachine inner, Action<int, ulong, ReplicaAgreementCheck.StateDigest> onApplied) : IStateMachine
{
    /// <summary>The wrapped state machine.</summary>
    public KvStateMachine Inner { get; } = inner;

    /// <summary>The node it runs on (0 until the node's application is attached).</summary>
    public int Node { get; set; }

    /// <inheritdoc />
    public ulong AppliedIndex => Inner.AppliedIndex;

    /// <inheritdoc />
    public byte[] Apply(ulong index, ReadOnlySpan<byte> command)
    {
        byte[] reply = Inner.Apply(index, command);
        onApplied(Node, index, new ReplicaAgreementCheck.StateDigest(Inner.Revision, Inner.Leases.Count, Inner.SessionCount));
        return reply;
    }

    /// <inheritdoc />
    public bool HasDurableStore => Inner.HasDurableStore;

    /// <inheritdoc />
    public ulong DurableAppliedIndex => Inner.DurableAppliedIndex;

    /// <inheritdoc />
    public void PersistApplied() => Inner.PersistApplied();

    /// <inheritdoc />
    public byte[] TakeSnapshot() => Inner.TakeSnapshot();

    /// <inheritdoc />
    public void RestoreSnapshot(ReadOnlySpan<byte> snapshot) => Inner.RestoreSnapshot(snapshot);
}
