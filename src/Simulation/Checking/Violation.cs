namespace Cairn.Simulation.Checking;

/// <summary>A broken invariant: which one, which nodes, when, and in which seed.</summary>
/// <param name="Invariant">The invariant's name, e.g. <c>ElectionSafety</c>.</param>
/// <param name="Nodes">The nodes involved.</param>
/// <param name="TimeMs">Simulated time of detection.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Detail">What was observed.</param>
public sealed record Violation(string Invariant, IReadOnlyList<int> Nodes, long TimeMs, ulong Seed, string Detail)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Invariant} violated at t={TimeMs}ms seed={Seed} nodes=[{string.Join(",", Nodes)}]: {Detail}";
}

/// <summary>Collects violations; the run stops at the first one because the state after it is untrustworthy.</summary>
public sealed class ViolationLog
{
    private readonly List<Violation> _violations = new();
    private readonly Func<long> _now;
    private readonly ulong _seed;

    private readonly IReadOnlyList<string> _muted;

    /// <summary>Creates a log stamping violations with the scheduler's time and the seed.</summary>
    public ViolationLog(Func<long> now, ulong seed, IReadOnlyList<string>? muted = null)
    {
        _now = now;
        _seed = seed;
        _muted = muted ?? Array.Empty<string>();
    }

    /// <summary>Violations so far.</summary>
    public IReadOnlyList<Violation> All => _violations;

    /// <summary>True when any invariant broke.</summary>
    public bool Any => _violations.Count > 0;

    /// <summary>Records a violation.</summary>
    public void Report(string invariant, string detail, params int[] nodes)
    {
        if (_muted.Contains(invariant)) return;
        _violations.Add(new Violation(invariant, nodes, _now(), _seed, detail));
    }
}
