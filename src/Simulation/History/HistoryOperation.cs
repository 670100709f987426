namespace Cairn.Simulation.History;

/// <summary>How an operation ended.</summary>
public enum OperationOutcome
{
    /// <summary>Completed with a known reply.</summary>
    Ok,

    /// <summary>Definitely not applied; checkers drop it.</summary>
    Fail,

    /// <summary>Unknown: possibly applied, reply unknown, return time open (+infinity).</summary>
    Info,
}

/// <summary>
/// An invocation paired with its completion: the unit a linearizability checker orders.
/// An <see cref="OperationOutcome.Info"/> operation has <see cref="ReturnTime"/> =
/// <see cref="OpenReturnTime"/>, as Porcupine and Knossos treat an unknown outcome.
/// </summary>
/// <param name="Index">Position of the invocation in the history (unique, stable).</param>
/// <param name="Process">The client process that invoked it.</param>
/// <param name="Request">The request.</param>
/// <param name="Response">The reply when <paramref name="Outcome"/> is <see cref="OperationOutcome.Ok"/>, else null.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="CallTime">Simulated invocation time, in milliseconds.</param>
/// <param name="ReturnTime">Simulated completion time, in milliseconds, or <see cref="OpenReturnTime"/>.</param>
public sealed record HistoryOperation(
    int Index,
    int Process,
    KvRequest Request,
    KvResponse? Response,
    OperationOutcome Outcome,
    long CallTime,
    long ReturnTime)
{
    /// <summary>The return time of an operation whose outcome is unknown.</summary>
    public const long OpenReturnTime = long.MaxValue;

    /// <summary>True when the return time is open (unknown outcome).</summary>
    public bool IsOpen => ReturnTime == OpenReturnTime;
}
