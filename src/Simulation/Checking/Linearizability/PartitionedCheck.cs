using Cairn.Simulation.Checking.Linearizability.Search;

namespace Cairn.Simulation.Checking.Linearizability;

/// <summary>The verdict of a partitioned search, before it is mapped back to history operations.</summary>
/// <typeparam name="TInput">The request type.</typeparam>
/// <typeparam name="TOutput">The reply type.</typeparam>
/// <param name="Verdict">NotLinearizable if any partition fails; else Unknown if any hit a limit; else Linearizable.</param>
/// <param name="FailingPartition">The label of the first failing (or, failing none, first undecided) partition.</param>
/// <param name="Counterexample">The shrunk failing sub-history, sorted by call time; empty unless NotLinearizable.</param>
/// <param name="Partitions">How many partitions were searched.</param>
/// <param name="Steps">Search steps over all partitions, shrinking excluded.</param>
public sealed record PartitionedOutcome<TInput, TOutput>(
    SearchVerdict Verdict,
    string? FailingPartition,
    IReadOnlyList<ModelOperation<TInput, TOutput>> Counterexample,
    int Partitions,
    long Steps)
    where TOutput : class;

/// <summary>
/// Checks a history partition by partition (P-compositionality: a history is linearizable iff
/// every partition the model declares independent is), stopping at the first failing partition
/// in the model's deterministic partition order, and shrinks that partition's history.
/// </summary>
/// <typeparam name="TState">The model state.</typeparam>
/// <typeparam name="TInput">The request type.</typeparam>
/// <typeparam name="TOutput">The reply type.</typeparam>
/// <typeparam name="TModel">The model.</typeparam>
public static class PartitionedCheck<TState, TInput, TOutput, TModel>
    where TState : struct, IEquatable<TState>
    where TOutput : class
    where TModel : ISequentialModel<TState, TInput, TOutput>
{
    /// <summary>Runs the check.</summary>
    /// <param name="model">The model.</param>
    /// <param name="history">The operations; failed operations must already be removed.</param>
    /// <param name="options">Limits for searching and shrinking.</param>
    /// <returns>The verdict, with a shrunk counterexample on failure.</returns>
    public static PartitionedOutcome<TInput, TOutput> Check(
        TModel model, IReadOnlyList<ModelOperation<TInput, TOutput>> history, LinearizabilityOptions options)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<HistoryPartition> partitions = model.Partition(history);
        long steps = 0;
        string? undecided = null;
        foreach (HistoryPartition partition in partitions)
        {
            var ops = new ModelOperation<TInput, TOutput>[partition.Operations.Count];
            for (int i = 0; i < ops.Length; i++)
            {
                ops[i] = history[partition.Operations[i]];
            }

            SearchOutcome outcome = WglSearch<TState, TInput, TOutput, TModel>.Check(model, ops, options.Search);
            steps += outcome.Steps;
            if (outcome.Verdict == SearchVerdict.NotLinearizable)
            {
                IReadOnlyList<ModelOperation<TInput, TOutput>> minimal =
                    CounterexampleShrinker<TState, TInput, TOutput, TModel>.Shrink(model, ops, options.Search, options.ShrinkAttemptsMax);
                return new(SearchVerdict.NotLinearizable, partition.Label, minimal, partitions.Count, steps);
            }

            undecided ??= outcome.Verdict == SearchVerdict.Unknown ? partition.Label : null;
        }

        SearchVerdict verdict = undecided is null ? SearchVerdict.Linearizable : SearchVerdict.Unknown;
        return new(verdict, undecided, [], partitions.Count, steps);
    }
}
