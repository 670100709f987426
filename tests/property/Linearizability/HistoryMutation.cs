using Cairn.Simulation.History;

namespace Cairn.Property.Tests.Linearizability;

/// <summary>
/// Mutations of a linearizable generated history that are guaranteed to break linearizability,
/// because generated values are unique ("v" + serial): reading a value nobody wrote, or reading
/// the value of a write that was overwritten before the read began.
/// </summary>
internal static class HistoryMutation
{
    /// <summary>Makes the first completed get return a value no operation wrote.</summary>
    public static IReadOnlyList<HistoryOperation>? ReadNeverWrittenValue(IReadOnlyList<HistoryOperation> history, int pick)
    {
        HistoryOperation[] gets = [.. history.Where(o => o is { Outcome: OperationOutcome.Ok, Request: RangeRequest { RangeEnd: null } })];
        if (gets.Length == 0)
        {
            return null;
        }

        HistoryOperation read = gets[Math.Abs(pick % gets.Length)];
        var response = (RangeResponse)read.Response!;
        string key = ((RangeRequest)read.Request).Key;
        KeyValue forged = new(key, "never-written", 2, Math.Max(2, response.Revision), 1);
        return Replace(history, read with { Response = new RangeResponse(response.Revision, [forged]) });
    }

    /// <summary>
    /// Finds W1 -> W2 -> R on one key (each returns before the next is invoked, W1 and W2 plain
    /// puts) and makes R return W1's value: stale, since W2 overwrote it before R began.
    /// </summary>
    public static IReadOnlyList<HistoryOperation>? ReadStaleValue(IReadOnlyList<HistoryOperation> history)
    {
        HistoryOperation[] puts = [.. history.Where(o => o is { Outcome: OperationOutcome.Ok, Request: PutRequest })];
        foreach (HistoryOperation read in history.Where(o => o is { Outcome: OperationOutcome.Ok, Request: RangeRequest { RangeEnd: null } }))
        {
            string key = ((RangeRequest)read.Request).Key;
            HistoryOperation[] before = [.. puts.Where(p => ((PutRequest)p.Request).Key == key && p.ReturnTime < read.CallTime)];
            HistoryOperation? first = before.FirstOrDefault(w1 => before.Any(w2 => w1.ReturnTime < w2.CallTime));
            if (first is not null)
            {
                var response = (RangeResponse)read.Response!;
                KeyValue stale = new(key, ((PutRequest)first.Request).Value, first.Response!.Revision, first.Response.Revision, 1);
                return Replace(history, read with { Response = new RangeResponse(response.Revision, [stale]) });
            }
        }

        return null;
    }

    private static IReadOnlyList<HistoryOperation> Replace(IReadOnlyList<HistoryOperation> history, HistoryOperation changed) =>
        [.. history.Select(o => o.Index == changed.Index ? changed : o)];
}
