using Cairn.Core.Kv;
using Cairn.Core.StateMachine;
using Cairn.Simulation.Checking.Kv;

namespace Cairn.Simulation.Workloads.Kv;

/// <summary>The KV state machine of one node incarnation, reporting what it applies to the workload's
/// continuous checks: to the <see cref="ReplicaAgreementCheck"/> a summary after every apply and the full
/// state hash at sampled indexes and around every snapshot taken or restored; every applied entry with its
/// reply to the <see cref="LeaseOracle"/> and the watch checker's reference history.</summary>
internal sealed class RecordingStateMachine(KvStateMachine inner, KvWorkload workload) : IStateMachine
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
        ReplicaAgreementCheck? agreement = workload.Agreement;
        agreement?.OnApplied(Node, index, new ReplicaAgreementCheck.StateDigest(Inner.Revision, Inner.Leases.Count, Inner.SessionCount));
        if (agreement is not null && ReplicaAgreementCheck.Sampled(index))
        {
            agreement.OnStateHash(Node, index, Inner.StateDigest(), "apply");
        }
        workload.LeaseOracle?.OnApplied(Node, index, command, Inner);
        workload.Reference.OnApplied(index, command, reply);
        workload.OnReplicaApplied(index, command, reply);
        return reply;
    }

    /// <inheritdoc />
    public bool HasDurableStore => Inner.HasDurableStore;

    /// <inheritdoc />
    public ulong DurableAppliedIndex => Inner.DurableAppliedIndex;

    /// <inheritdoc />
    public ulong StoredAppliedIndex => Inner.StoredAppliedIndex;

    /// <inheritdoc />
    public void PersistApplied() => Inner.PersistApplied();

    /// <inheritdoc />
    public byte[] TakeSnapshot()
    {
        OnSnapshotTaken();
        return Inner.TakeSnapshot();
    }

    /// <inheritdoc />
    public IStateSnapshot CaptureSnapshot() => Inner.CaptureSnapshot();

    /// <inheritdoc />
    public void WriteSnapshot(Stream destination)
    {
        OnSnapshotTaken();
        Inner.WriteSnapshot(destination);
    }

    /// <inheritdoc />
    public void RestoreSnapshot(ReadOnlySpan<byte> snapshot)
    {
        Inner.RestoreSnapshot(snapshot);
        OnSnapshotRestored();
    }

    /// <inheritdoc />
    public void RestoreSnapshot(Stream source)
    {
        Inner.RestoreSnapshot(source);
        OnSnapshotRestored();
    }

    private void OnSnapshotTaken() =>
        workload.Agreement?.OnStateHash(Node, Inner.AppliedIndex, Inner.StateDigest(), "snapshot taken");

    private void OnSnapshotRestored() =>
        workload.Agreement?.OnStateHash(Node, Inner.AppliedIndex, Inner.StateDigest(), "snapshot restored");
}
