namespace Cairn.Core.StateMachine;

/// <summary>
/// The state of a state machine pinned at <see cref="AppliedIndex"/> (<see cref="IStateMachine.CaptureSnapshot"/>), to
/// be written later, off the event loop, while the state machine keeps applying: a read transaction on a durable
/// store, or a copy. <see cref="WriteTo"/> runs once, on any thread; the owner disposes it afterwards.
/// </summary>
public interface IStateSnapshot : IDisposable
{
    /// <summary>The index of the last entry the pinned state covers.</summary>
    ulong AppliedIndex { get; }

    /// <summary>Writes the pinned state in the format of <see cref="IStateMachine.WriteSnapshot"/>.</summary>
    void WriteTo(Stream destination);
}

/// <summary>A snapshot copied whole at capture time: the default for a state machine without a store to read from.</summary>
internal sealed class CopiedStateSnapshot(ulong appliedIndex, byte[] state) : IStateSnapshot
{
    public ulong AppliedIndex { get; } = appliedIndex;
    public void WriteTo(Stream destination) => destination.Write(state);
    public void Dispose() { }
}
