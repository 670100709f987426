namespace Cairn.Simulation.History;

/// <summary>The kind of a history line, named as Jepsen names them.</summary>
public enum HistoryEventType
{
    /// <summary>A client sent a request.</summary>
    Invoke,

    /// <summary>The request completed and its reply is known.</summary>
    Ok,

    /// <summary>The request definitely did not take effect.</summary>
    Fail,

    /// <summary>The outcome is unknown (for example a timeout): it may or may not have taken effect.</summary>
    Info,
}

/// <summary>One line of a history: an invocation or a completion by one process.</summary>
/// <param name="Type">Invocation or kind of completion.</param>
/// <param name="Process">The client process; each process has at most one request outstanding.</param>
/// <param name="Request">The request; a completion repeats the request it completes.</param>
/// <param name="Response">The reply, present only on <see cref="HistoryEventType.Ok"/>.</param>
/// <param name="Time">Simulated time in milliseconds.</param>
public sealed record HistoryEvent(HistoryEventType Type, int Process, KvRequest Request, KvResponse? Response, long Time);
