using System.Globalization;

namespace Cairn.Host.Config;

/// <summary>etcd's --auto-compaction-mode/--auto-compaction-retention: periodic (a duration such as
/// "1h", "30m" or a bare number of hours) or revision (keep this many revisions). Zero = off.</summary>
internal sealed record AutoCompaction(bool Periodic, TimeSpan Period, long Revisions)
{
    public bool Enabled => Periodic ? Period > TimeSpan.Zero : Revisions > 0;

    public static AutoCompaction Parse(string mode, string retention)
    {
        if (mode == "revision")
        {
            return long.TryParse(retention, NumberStyles.Integer, CultureInfo.InvariantCulture, out long revs) && revs >= 0
                ? new AutoCompaction(false, TimeSpan.Zero, revs)
                : throw new FlagException($"invalid value \"{retention}\" for flag --auto-compaction-retention: expected a revision count");
        }
        if (double.TryParse(retention, NumberStyles.Float, CultureInfo.InvariantCulture, out double hours) && hours >= 0)
        {
            return new AutoCompaction(true, TimeSpan.FromHours(hours), 0);
        }
        return TryDuration(retention, out TimeSpan span)
            ? new AutoCompaction(true, span, 0)
            : throw new FlagException($"invalid value \"{retention}\" for flag --auto-compaction-retention: expected a duration such as 1h or 30m");
    }

    private static bool TryDuration(string text, out TimeSpan span)
    {
        span = TimeSpan.Zero;
        if (text.Length < 2 || !double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double n) || n < 0)
        {
            return false;
        }
        span = text[^1] switch
        {
            'h' => TimeSpan.FromHours(n),
            'm' => TimeSpan.FromMinutes(n),
            's' => TimeSpan.FromSeconds(n),
            _ => TimeSpan.MinValue,
        };
        return span != TimeSpan.MinValue;
    }
}
