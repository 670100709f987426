namespace Cairn.Simulation.History;

/// <summary>
/// Converts between the event form of a history (invoke / ok / fail / info lines) and the
/// operation form (one record per request with call and return times).
/// </summary>
public static class EventPairing
{
    /// <summary>
    /// Pairs each invocation with the next completion of the same process. An invocation with no
    /// completion by the end of the history becomes <see cref="OperationOutcome.Info"/> with an open end.
    /// </summary>
    /// <param name="events">The events in the order they happened.</param>
    /// <returns>The operations ordered by invocation.</returns>
    /// <exception cref="HistoryFormatException">A process invokes twice without completing, or completes without invoking.</exception>
    public static IReadOnlyList<HistoryOperation> ToOperations(IEnumerable<HistoryEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var operations = new List<HistoryOperation>();
        var pending = new Dictionary<int, int>();
        int position = 0;
        foreach (HistoryEvent e in events)
        {
            position++;
            if (e.Type == HistoryEventType.Invoke)
            {
                if (!pending.TryAdd(e.Process, operations.Count))
                {
                    throw new HistoryFormatException($"event {position}: process {e.Process} invokes while a request is outstanding");
                }

                operations.Add(new HistoryOperation(operations.Count, e.Process, e.Request, null, OperationOutcome.Info, e.Time, HistoryOperation.OpenReturnTime));
                continue;
            }

            if (!pending.Remove(e.Process, out int index))
            {
                throw new HistoryFormatException($"event {position}: process {e.Process} completes without an invocation");
            }

            operations[index] = Complete(operations[index], e, position);
        }

        return operations;
    }

    /// <summary>
    /// Expands operations back to events ordered by time (invocations before completions at equal
    /// times). Unknown outcomes have no completion time, so their info events close the history.
    /// </summary>
    /// <param name="operations">The operations.</param>
    /// <returns>The events.</returns>
    public static IReadOnlyList<HistoryEvent> ToEvents(IEnumerable<HistoryOperation> operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var timed = new List<(long Time, int Order, int Index, HistoryEvent Event)>();
        var unknown = new List<HistoryOperation>();
        foreach (HistoryOperation op in operations)
        {
            timed.Add((op.CallTime, 0, op.Index, new HistoryEvent(HistoryEventType.Invoke, op.Process, op.Request, null, op.CallTime)));
            if (op.Outcome == OperationOutcome.Info || op.IsOpen)
            {
                unknown.Add(op);
                continue;
            }

            timed.Add((op.ReturnTime, 1, op.Index, new HistoryEvent(TypeOf(op.Outcome), op.Process, op.Request, op.Response, op.ReturnTime)));
        }

        timed.Sort((a, b) => (a.Time, a.Order, a.Index).CompareTo((b.Time, b.Order, b.Index)));
        long end = timed.Count == 0 ? 0 : timed[^1].Time;
        var events = new List<HistoryEvent>(timed.Count + unknown.Count);
        for (int from = 0; from < timed.Count;)
        {
            int to = from;
            while (to < timed.Count && timed[to].Time == timed[from].Time)
            {
                to++;
            }

            AppendInProcessOrder(events, timed.GetRange(from, to - from));
            from = to;
        }

        unknown.Sort((a, b) => a.Index.CompareTo(b.Index));
        events.AddRange(unknown.Select(op => new HistoryEvent(HistoryEventType.Info, op.Process, op.Request, null, end)));
        return events;
    }

    /// <summary>
    /// Appends the events of one millisecond. Invocations go first where they can, so operations that meet in
    /// the same millisecond stay concurrent; but a process's own events keep their order (a completion before
    /// that process's next invocation, an invocation before its own completion), so the file pairs back.
    /// </summary>
    private static void AppendInProcessOrder(List<HistoryEvent> events, List<(long Time, int Order, int Index, HistoryEvent Event)> sameTime)
    {
        if (sameTime.Count == 1)
        {
            events.Add(sameTime[0].Event);
            return;
        }

        var queues = sameTime
            .GroupBy(t => t.Event.Process)
            .Select(g => new Queue<(long Time, int Order, int Index, HistoryEvent Event)>(g.OrderBy(t => (t.Index, t.Order))))
            .ToList();
        for (int remaining = sameTime.Count; remaining > 0; remaining--)
        {
            Queue<(long Time, int Order, int Index, HistoryEvent Event)> next = queues
                .Where(q => q.Count > 0)
                .MinBy(q => (q.Peek().Order, q.Peek().Index))!;
            events.Add(next.Dequeue().Event);
        }
    }

    private static HistoryOperation Complete(HistoryOperation invoked, HistoryEvent e, int position)
    {
        if (e.Time < invoked.CallTime)
        {
            throw new HistoryFormatException($"event {position}: process {e.Process} completes at {e.Time}, before its invocation at {invoked.CallTime}");
        }

        return e.Type switch
        {
            HistoryEventType.Ok when e.Response is null =>
                throw new HistoryFormatException($"event {position}: an ok completion needs a result"),
            HistoryEventType.Ok => invoked with { Response = e.Response, Outcome = OperationOutcome.Ok, ReturnTime = e.Time },
            HistoryEventType.Fail => invoked with { Outcome = OperationOutcome.Fail, ReturnTime = e.Time },
            _ => invoked with { Outcome = OperationOutcome.Info, ReturnTime = HistoryOperation.OpenReturnTime },
        };
    }

    private static HistoryEventType TypeOf(OperationOutcome outcome) => outcome switch
    {
        OperationOutcome.Ok => HistoryEventType.Ok,
        OperationOutcome.Fail => HistoryEventType.Fail,
        _ => HistoryEventType.Info,
    };
}
