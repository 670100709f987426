using System.Diagnostics;
using Cairn.Core.StateMachine;

namespace Cairn.Host.Node;

/// <summary>The runtime's view of the KV state machine with the loop's time in it measured: applying entries
/// committing the store's apply batch and taking snapshots (<c>cairn_node_loop_seconds_total</c>). Decides nothing; every
/// member passes straight through.</summary>
internal sealed class TimedStateMachine(IStateMachine inner, Action<double> applied, Action<double> persisted, Action<double> snapshotted) : IStateMachine
{
    public ulong AppliedIndex => inner.AppliedIndex;

    public bool HasDurableStore => inner.HasDurableStore;

    public ulong DurableAppliedIndex => inner.DurableAppliedIndex;

    public ulong StoredAppliedIndex => inner.StoredAppliedIndex;

    public byte[] Apply(ulong index, ReadOnlySpan<byte> command)
    {
        long start = Stopwatch.GetTimestamp();
        byte[] reply = inner.Apply(index, command);
        applied(Stopwatch.GetElapsedTime(start).TotalSeconds);
        return reply;
    }

    public void PersistApplied()
    {
        long start = Stopwatch.GetTimestamp();
        inner.PersistApplied();
        persisted(Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    public byte[] TakeSnapshot()
    {
        long start = Stopwatch.GetTimestamp();
        byte[] snapshot = inner.TakeSnapshot();
        snapshotted(Stopwatch.GetElapsedTime(start).TotalSeconds);
        return snapshot;
    }

    public void WriteSnapshot(Stream destination)
    {
        long start = Stopwatch.GetTimestamp();
        inner.WriteSnapshot(destination);
        snapshotted(Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    public void RestoreSnapshot(ReadOnlySpan<byte> snapshot) => inner.RestoreSnapshot(snapshot);

    /// <inheritdoc />
    public IStateSnapshot CaptureSnapshot() => inner.CaptureSnapshot();

    public void RestoreSnapshot(Stream source) => inner.RestoreSnapshot(source);
}
