namespace Cairn.Simulation.Checking.Linearizability;

/// <summary>
/// The sequential specification a history is checked against. States must be immutable values:
/// the search caches (linearized set, state) pairs and compares them with
/// <see cref="IEquatable{T}.Equals(T)"/> and <see cref="object.GetHashCode"/>.
/// </summary>
/// <typeparam name="TState">An immutable value type describing the object.</typeparam>
/// <typeparam name="TInput">The request type.</typeparam>
/// <typeparam name="TOutput">The reply type; <see langword="null"/> means the reply is unknown.</typeparam>
public interface ISequentialModel<TState, TInput, TOutput>
    where TState : struct, IEquatable<TState>
    where TOutput : class
{
    /// <summary>The state before any operation.</summary>
    /// <returns>The initial state.</returns>
    TState Init();

    /// <summary>
    /// Applies <paramref name="input"/> to <paramref name="state"/> and checks that
    /// <paramref name="output"/> is a reply the object could give. Must not mutate <paramref name="state"/>.
    /// </summary>
    /// <param name="state">The state before the operation.</param>
    /// <param name="input">The request.</param>
    /// <param name="output">The observed reply, or null when unknown (any reply is acceptable).</param>
    /// <param name="next">The state after the operation when the step is legal.</param>
    /// <returns>True when the operation can take effect in <paramref name="state"/> with this reply.</returns>
    bool Step(in TState state, TInput input, TOutput? output, out TState next);

    /// <summary>
    /// Splits a history into independent sub-histories (P-compositionality). The default keeps one partition.
    /// Every operation must appear in exactly one partition; the partition order must be deterministic.
    /// </summary>
    /// <param name="history">The operations to split.</param>
    /// <returns>The partitions, as positions in <paramref name="history"/>.</returns>
    IReadOnlyList<HistoryPartition> Partition(IReadOnlyList<ModelOperation<TInput, TOutput>> history) =>
        [new HistoryPartition("all", Enumerable.Range(0, history.Count).ToArray())];

    /// <summary>
    /// Names the operations of <paramref name="history"/> whose observations no other operation in
    /// it explains (for a register: a read of a value nobody wrote). Shrinking keeps a candidate
    /// only if this set stays within the original's, so a counterexample keeps the writes its
    /// reads depend on. The default names none.
    /// </summary>
    /// <param name="history">A sub-history.</param>
    /// <returns>The <see cref="ModelOperation{TInput, TOutput}.Id"/> values, ascending.</returns>
    IReadOnlyList<int> UnexplainedOperations(IReadOnlyList<ModelOperation<TInput, TOutput>> history) => [];

    /// <summary>Renders an operation for a counterexample, for example <c>put(k, v) -&gt; rev 7</c>.</summary>
    /// <param name="input">The request.</param>
    /// <param name="output">The reply, or null when unknown.</param>
    /// <returns>One line of text.</returns>
    string Describe(TInput input, TOutput? output);
}
