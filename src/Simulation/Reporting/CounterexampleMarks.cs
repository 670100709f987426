using Cairn.Simulation.Checking.Linearizability;
using Cairn.Simulation.Checking.Linearizability.Kv;
using Cairn.Simulation.History;

namespace Cairn.Simulation.Reporting;

/// <summary>
/// Turns a linearizability counterexample into what the report marks on the timeline: each operation, whether it
/// writes, and for each reading operation the counterexample's writes to the keys it read (the writes whose order
/// the reader should check).
/// </summary>
public static class CounterexampleMarks
{
    /// <summary>The operations of <paramref name="result"/>'s counterexample; empty when the history is linearizable.</summary>
    /// <param name="result">The checker's verdict.</param>
    /// <returns>One mark per counterexample operation, in the counterexample's order.</returns>
    public static IReadOnlyList<CounterexampleOperation> From(LinearizabilityResult? result)
    {
        if (result is null || result.MinimalCounterexample.Count == 0) return Array.Empty<CounterexampleOperation>();
        var ops = result.MinimalCounterexample;
        var writes = ops.Where(o => o.Request.MayWrite).ToList();
        return ops.Select(op => new CounterexampleOperation(
            op.Index, op.Process, op.CallTime, op.IsOpen ? null : op.ReturnTime,
            KvDescription.Describe(op.Request, op.Response), op.Request.MayWrite,
            writes.Where(w => w.Index != op.Index && Touched(w.Request).Any(a => Touched(op.Request).Any(b => Overlap(a, b))))
                .Select(w => (long)w.Index).ToArray())).ToArray();
    }

    /// <summary>The key ranges a request reads, compares or writes: (key, null) for one key, (key, end) for [key, end).</summary>
    internal static IEnumerable<(string Key, string? End)> Touched(KvRequest request) => request switch
    {
        RangeRequest r => [(r.Key, r.RangeEnd)],
        PutRequest p => [(p.Key, null)],
        DeleteRequest d => [(d.Key, d.RangeEnd)],
        TxnRequest t => t.Compares.Select(c => (c.Key, (string?)null))
            .Concat(t.Success.SelectMany(Touched)).Concat(t.Failure.SelectMany(Touched)),
        _ => [],
    };

    /// <summary>Whether two key ranges share a key (an end of "\0" means every key from the start on, as in etcd).</summary>
    internal static bool Overlap((string Key, string? End) a, (string Key, string? End) b)
    {
        static bool Contains((string Key, string? End) r, string key) =>
            r.End is null ? r.Key == key : string.CompareOrdinal(key, r.Key) >= 0 && (r.End == "\0" || string.CompareOrdinal(key, r.End) < 0);
        return Contains(a, b.Key) || Contains(b, a.Key);
    }
}
