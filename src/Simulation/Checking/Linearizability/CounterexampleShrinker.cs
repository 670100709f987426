using Cairn.Simulation.Checking.Linearizability.Search;

namespace Cairn.Simulation.Checking.Linearizability;

/// <summary>
/// Shrinks a non-linearizable sub-history: first to the shortest failing prefix by invocation
/// time (binary search), then by delta debugging (Zeller's ddmin: remove chunks, halving the
/// chunk size when nothing can go). A candidate is kept only when it is still non-linearizable
/// and every operation it leaves unexplained was unexplained in the original, so the writes that a read
/// depends on stay in the counterexample. Every search counts against a fixed attempt budget.
/// </summary>
/// <typeparam name="TState">The model state.</typeparam>
/// <typeparam name="TInput">The request type.</typeparam>
/// <typeparam name="TOutput">The reply type.</typeparam>
/// <typeparam name="TModel">The model.</typeparam>
public static class CounterexampleShrinker<TState, TInput, TOutput, TModel>
    where TState : struct, IEquatable<TState>
    where TOutput : class
    where TModel : ISequentialModel<TState, TInput, TOutput>
{
    /// <summary>Returns a failing sub-history no larger than <paramref name="failing"/>, sorted by call time.</summary>
    /// <param name="model">The model.</param>
    /// <param name="failing">A non-linearizable history.</param>
    /// <param name="limits">Search bounds for each attempt.</param>
    /// <param name="attemptsMax">The number of searches allowed.</param>
    /// <returns>The smallest failing sub-history found.</returns>
    public static IReadOnlyList<ModelOperation<TInput, TOutput>> Shrink(
        TModel model, IReadOnlyList<ModelOperation<TInput, TOutput>> failing, SearchLimits limits, int attemptsMax)
    {
        var current = failing.OrderBy(o => o.Call).ThenBy(o => o.Id).ToList();
        var budget = new Budget(model, limits, attemptsMax, [.. model.UnexplainedOperations(current)]);
        current = ShortestFailingPrefix(current, ref budget);
        for (int chunk = current.Count / 2; chunk >= 1 && budget.Left > 0;)
        {
            bool removed = RemoveChunks(ref current, chunk, ref budget);
            chunk = removed ? Math.Min(chunk, current.Count / 2) : chunk / 2;
        }

        return current;
    }

    private static List<ModelOperation<TInput, TOutput>> ShortestFailingPrefix(List<ModelOperation<TInput, TOutput>> ops, ref Budget budget)
    {
        int low = 1;
        int high = ops.Count;
        while (low < high && budget.Left > 0)
        {
            int mid = low + ((high - low) / 2);
            if (budget.StillFails(ops.GetRange(0, mid)))
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }

        return high < ops.Count && budget.StillFailsUncounted(ops.GetRange(0, high)) ? ops.GetRange(0, high) : ops;
    }

    private static bool RemoveChunks(ref List<ModelOperation<TInput, TOutput>> current, int chunk, ref Budget budget)
    {
        bool removed = false;
        int start = 0;
        while (start < current.Count && budget.Left > 0 && current.Count > 1)
        {
            var candidate = new List<ModelOperation<TInput, TOutput>>(current.Count);
            candidate.AddRange(current.Take(start));
            candidate.AddRange(current.Skip(start + chunk));
            if (candidate.Count > 0 && budget.StillFails(candidate))
            {
                current = candidate;
                removed = true;
            }
            else
            {
                start += chunk;
            }
        }

        return removed;
    }

    private struct Budget(TModel model, SearchLimits limits, int attempts, HashSet<int> unexplained)
    {
        public int Left { get; private set; } = attempts;

        public bool StillFails(List<ModelOperation<TInput, TOutput>> candidate)
        {
            Left--;
            return StillFailsUncounted(candidate);
        }

        public readonly bool StillFailsUncounted(List<ModelOperation<TInput, TOutput>> candidate) =>
            model.UnexplainedOperations(candidate).All(unexplained.Contains) &&
            WglSearch<TState, TInput, TOutput, TModel>.Check(model, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(candidate), limits).Verdict
                == SearchVerdict.NotLinearizable;
    }
}
