namespace Cairn.Simulation.History;

/// <summary>
/// Collects the events of simulated clients as they happen. Not thread-safe: the simulator is
/// single-threaded. Feed <see cref="Events"/> to <see cref="HistoryJsonWriter"/> or
/// <see cref="EventPairing.ToOperations"/>.
/// </summary>
public sealed class HistoryRecorder
{
    private readonly List<HistoryEvent> _events = [];
    private readonly Dictionary<int, KvRequest> _outstanding = [];

    /// <summary>The events recorded so far, in order.</summary>
    public IReadOnlyList<HistoryEvent> Events => _events;

    /// <summary>Records that <paramref name="process"/> sent <paramref name="request"/>.</summary>
    /// <param name="process">The client process.</param>
    /// <param name="request">The request.</param>
    /// <param name="time">Simulated time in milliseconds.</param>
    public void Invoke(int process, KvRequest request, long time)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_outstanding.TryAdd(process, request))
        {
            throw new InvalidOperationException($"process {process} already has a request outstanding");
        }

        _events.Add(new HistoryEvent(HistoryEventType.Invoke, process, request, null, time));
    }

    /// <summary>Records a reply for the outstanding request of <paramref name="process"/>.</summary>
    /// <param name="process">The client process.</param>
    /// <param name="response">The reply.</param>
    /// <param name="time">Simulated time in milliseconds.</param>
    public void Ok(int process, KvResponse response, long time)
    {
        ArgumentNullException.ThrowIfNull(response);
        _events.Add(new HistoryEvent(HistoryEventType.Ok, process, Take(process), response, time));
    }

    /// <summary>Records that the outstanding request of <paramref name="process"/> definitely did not take effect.</summary>
    /// <param name="process">The client process.</param>
    /// <param name="time">Simulated time in milliseconds.</param>
    public void Fail(int process, long time) =>
        _events.Add(new HistoryEvent(HistoryEventType.Fail, process, Take(process), null, time));

    /// <summary>Records that the outcome of the outstanding request of <paramref name="process"/> is unknown.</summary>
    /// <param name="process">The client process. Like Jepsen, use a fresh process id for its next request.</param>
    /// <param name="time">Simulated time in milliseconds.</param>
    public void Info(int process, long time) =>
        _events.Add(new HistoryEvent(HistoryEventType.Info, process, Take(process), null, time));

    /// <summary>Pairs the recorded events into operations.</summary>
    /// <returns>The operations ordered by invocation.</returns>
    public IReadOnlyList<HistoryOperation> ToOperations() => EventPairing.ToOperations(_events);

    private KvRequest Take(int process) =>
        _outstanding.Remove(process, out KvRequest? request)
            ? request
            : throw new InvalidOperationException($"process {process} has no request outstanding");
}
