using Cairn.Simulation.History;

namespace Cairn.Simulation.Checking.Linearizability;

/// <summary>Which half of the KV check found the violation.</summary>
public enum ViolationKind
{
    /// <summary>No violation.</summary>
    None,

    /// <summary>A partition's search found no linearization (values, versions, per-partition revision order).</summary>
    PartitionSearch,

    /// <summary>The global revision check: duplicate revisions or revisions against real-time order.</summary>
    RevisionOrder,
}

/// <summary>The verdict on a KV history, with a small counterexample when it is not linearizable.</summary>
public sealed class LinearizabilityResult
{
    internal LinearizabilityResult(
        SearchVerdict verdict,
        ViolationKind violation,
        string? partitionKey,
        string reason,
        IReadOnlyList<HistoryOperation> counterexample,
        LinearizabilityStatistics statistics)
    {
        Verdict = verdict;
        Violation = violation;
        PartitionKey = partitionKey;
        Reason = reason;
        MinimalCounterexample = counterexample;
        Statistics = statistics;
    }

    /// <summary>Linearizable, not linearizable, or unknown (a search limit was reached).</summary>
    public SearchVerdict Verdict { get; }

    /// <summary>The verdict as reported by <c>run --json</c> and <c>sweep --json</c>: <c>linearizable</c>,
    /// <c>violation</c> or <c>unknown</c>.</summary>
    public string VerdictName => Verdict switch
    {
        SearchVerdict.Linearizable => "linearizable",
        SearchVerdict.NotLinearizable => "violation",
        _ => "unknown",
    };

    /// <summary>True when the history is linearizable.</summary>
    public bool Ok => Verdict == SearchVerdict.Linearizable;

    /// <summary>True when no violation was found but some partition hit a search limit.</summary>
    public bool TimedOut => Verdict == SearchVerdict.Unknown;

    /// <summary>Which check failed.</summary>
    public ViolationKind Violation { get; }

    /// <summary>The label of the failing (or undecided) partition, for example its first key; null otherwise.</summary>
    public string? PartitionKey { get; }

    /// <summary>One sentence on what failed, or "linearizable".</summary>
    public string Reason { get; }

    /// <summary>
    /// The shrunk non-linearizable sub-history, sorted by call time then index; empty when
    /// <see cref="Ok"/> or <see cref="TimedOut"/>. Each operation carries its call and return times,
    /// which is all a timeline drawing needs.
    /// </summary>
    public IReadOnlyList<HistoryOperation> MinimalCounterexample { get; }

    /// <summary>What the check cost.</summary>
    public LinearizabilityStatistics Statistics { get; }

    /// <summary>Renders the verdict, the counterexample one operation per line, and an ASCII timeline.</summary>
    /// <returns>Multi-line text.</returns>
    public string Explain() => CounterexampleText.Render(this);
}

/// <summary>What a check cost.</summary>
/// <param name="Operations">Operations searched (failed operations and unknown-outcome reads are dropped first).</param>
/// <param name="Partitions">Independent partitions searched.</param>
/// <param name="SearchSteps">Search steps over all partitions, shrinking excluded.</param>
public sealed record LinearizabilityStatistics(int Operations, int Partitions, long SearchSteps);
