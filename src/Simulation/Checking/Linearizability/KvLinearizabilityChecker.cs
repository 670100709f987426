using Cairn.Simulation.Checking.Linearizability.Kv;
using Cairn.Simulation.History;

namespace Cairn.Simulation.Checking.Linearizability;

/// <summary>
/// The entry point for client histories of the etcd-semantics KV store: drops failed operations
/// and unknown-outcome reads, runs the global revision check, then the per-partition search,
/// and shrinks the first failure to a small counterexample (docs/linearizability.md).
/// </summary>
public static class KvLinearizabilityChecker
{
    /// <summary>Checks a history of paired operations.</summary>
    /// <param name="history">The operations, for example from <see cref="HistoryRecorder.ToOperations"/>.</param>
    /// <param name="options">Limits; <see cref="LinearizabilityOptions.Default"/> when null.</param>
    /// <returns>The verdict.</returns>
    public static LinearizabilityResult Check(IReadOnlyList<HistoryOperation> history, LinearizabilityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        options ??= LinearizabilityOptions.Default;
        List<HistoryOperation> relevant = [.. history.Where(IsRelevant).OrderBy(o => o.Index)];
        RevisionViolation? revision = RevisionOrderCheck.Check(relevant);
        if (revision is not null)
        {
            HistoryOperation[] pair = [.. new[] { revision.First, revision.Second }.OrderBy(o => o.CallTime).ThenBy(o => o.Index)];
            return new LinearizabilityResult(SearchVerdict.NotLinearizable, ViolationKind.RevisionOrder, null, revision.Reason, pair,
                new LinearizabilityStatistics(relevant.Count, 0, 0));
        }

        return CheckPartitions(relevant, options);
    }

    /// <summary>Checks a history given as events (invoke / ok / fail / info), for example read from a JSON-lines file.</summary>
    /// <param name="events">The events in order.</param>
    /// <param name="options">Limits; <see cref="LinearizabilityOptions.Default"/> when null.</param>
    /// <returns>The verdict.</returns>
    public static LinearizabilityResult Check(IEnumerable<HistoryEvent> events, LinearizabilityOptions? options = null) =>
        Check(EventPairing.ToOperations(events), options);

    private static bool IsRelevant(HistoryOperation op) => op.Outcome switch
    {
        OperationOutcome.Ok => true,
        OperationOutcome.Info => op.Request.MayWrite,
        _ => false,
    };

    private static LinearizabilityResult CheckPartitions(List<HistoryOperation> relevant, LinearizabilityOptions options)
    {
        var operations = new ModelOperation<KvRequest, KvResponse>[relevant.Count];
        for (int i = 0; i < relevant.Count; i++)
        {
            HistoryOperation op = relevant[i];
            operations[i] = new(i, op.Request, op.Outcome == OperationOutcome.Ok ? op.Response : null, op.CallTime,
                op.Outcome == OperationOutcome.Ok ? op.ReturnTime : HistoryOperation.OpenReturnTime);
        }

        PartitionedOutcome<KvRequest, KvResponse> outcome =
            PartitionedCheck<KvState, KvRequest, KvResponse, KvModel>.Check(default, operations, options);
        var statistics = new LinearizabilityStatistics(relevant.Count, outcome.Partitions, outcome.Steps);
        HistoryOperation[] counterexample = [.. outcome.Counterexample.Select(o => relevant[o.Id]).OrderBy(o => o.CallTime).ThenBy(o => o.Index)];
        return outcome.Verdict switch
        {
            SearchVerdict.Linearizable => new(outcome.Verdict, ViolationKind.None, null, "linearizable", [], statistics),
            SearchVerdict.Unknown => new(outcome.Verdict, ViolationKind.None, outcome.FailingPartition,
                "a partition reached a search limit before a verdict", [], statistics),
            _ => new(outcome.Verdict, ViolationKind.PartitionSearch, outcome.FailingPartition,
                "no linearization of this partition explains every reply", counterexample, statistics),
        };
    }
}
