namespace Cairn.Core.StateMachine;

/// <summary>
/// A deterministic replicated state machine. The node runtime feeds it committed log entries in
/// index order, exactly once per incarnation; apply must depend only on the command bytes and the
/// state built from earlier commands, never on time, randomness or process-local hash order.
/// </summary>
public interface IStateMachine
{
    /// <summary>The index of the last entry applied (0 when nothing has been applied).</summary>
    ulong AppliedIndex { get; }

    /// <summary>Applies the committed command at <paramref name="index"/> and returns the reply bytes
    /// that the proposing client receives.</summary>
    /// <param name="index">The log index of the entry; strictly greater than <see cref="AppliedIndex"/>.</param>
    /// <param name="command">The command bytes exactly as proposed.</param>
    byte[] Apply(ulong index, ReadOnlySpan<byte> command);

    /// <summary>Serializes the whole state, including <see cref="AppliedIndex"/>.</summary>
    byte[] TakeSnapshot();

    /// <summary>Replaces the whole state with a snapshot produced by <see cref="TakeSnapshot"/>.</summary>
    void RestoreSnapshot(ReadOnlySpan<byte> snapshot);
}
