namespace Cairn.Simulation.World;

public sealed partial class SimWorld
{
    private readonly List<long> _clockChanges = new();

    /// <summary>Simulated times at which some node's clock was changed (skew, drift or jump), ascending.
    /// Each change can make a node's clock jump; checkers of time-based guarantees allow for them.</summary>
    public IReadOnlyList<long> ClockChanges => _clockChanges;

    /// <summary>Records that a node's clock changed now.</summary>
    internal void RecordClockChange() => _clockChanges.Add(Scheduler.Now);

    /// <summary>Clock changes in [<paramref name="fromMs"/>, <paramref name="toMs"/>].</summary>
    public int ClockChangesBetween(long fromMs, long toMs)
    {
        int first = LowerBound(fromMs);
        int end = LowerBound(toMs + 1);
        return end - first;
    }

    private int LowerBound(long timeMs)
    {
        int lo = 0, hi = _clockChanges.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (_clockChanges[mid] < timeMs) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
