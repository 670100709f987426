namespace Cairn.Simulation.Checking.Linearizability.Kv;

/// <summary>etcd's key-range rule over ordinally sorted keys: a null end names one key; "\0" means no upper bound.</summary>
internal static class KeyRange
{
    public static bool IsUnbounded(string? end) => end is "\0";

    public static bool Contains(string start, string? end, string key)
    {
        if (end is null)
        {
            return string.Equals(start, key, StringComparison.Ordinal);
        }

        return string.CompareOrdinal(key, start) >= 0 && (IsUnbounded(end) || string.CompareOrdinal(key, end) < 0);
    }

    /// <summary>The half-open index interval of <paramref name="sorted"/> inside the range.</summary>
    public static (int Low, int High) Locate<T>(ReadOnlySpan<T> sorted, Func<T, string> keyOf, string start, string? end)
    {
        int low = LowerBound(sorted, keyOf, start);
        if (end is null)
        {
            return low < sorted.Length && keyOf(sorted[low]) == start ? (low, low + 1) : (low, low);
        }

        int high = IsUnbounded(end) ? sorted.Length : LowerBound(sorted, keyOf, end);
        return (low, Math.Max(low, high));
    }

    public static int LowerBound<T>(ReadOnlySpan<T> sorted, Func<T, string> keyOf, string key)
    {
        int low = 0;
        int high = sorted.Length;
        while (low < high)
        {
            int mid = (low + high) >>> 1;
            if (string.CompareOrdinal(keyOf(sorted[mid]), key) < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
