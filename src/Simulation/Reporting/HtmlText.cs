using System.Globalization;
using System.Text;

namespace Cairn.Simulation.Reporting;

/// <summary>Escaping and culture-invariant formatting shared by the HTML report.</summary>
internal static class HtmlText
{
    /// <summary>Escapes text for HTML/SVG element content and quoted attribute values; drops control characters except tab and newline.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        StringBuilder? sb = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            string? replacement = c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                '\r' => "",
                '\n' or '\t' => null,
                _ when char.IsControl(c) => "",
                _ => null,
            };
            if (replacement is null)
            {
                sb?.Append(c);
                continue;
            }
            sb ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
            sb.Append(replacement);
        }
        return sb?.ToString() ?? text;
    }

    /// <summary>A coordinate with at most two decimals, invariant culture.</summary>
    public static string Num(double value) =>
        Math.Round(value, 2, MidpointRounding.AwayFromZero).ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>An integer, invariant culture.</summary>
    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A simulated time for people: "850 ms" below a second, "12.345 s" above.</summary>
    public static string Time(long ms) =>
        Math.Abs(ms) < 1000
            ? ms.ToString(CultureInfo.InvariantCulture) + " ms"
            : (ms / 1000.0).ToString("0.000", CultureInfo.InvariantCulture) + " s";

    /// <summary>A duration for people: "850 ms", "1.5 s".</summary>
    public static string Duration(long ms) =>
        Math.Abs(ms) < 1000
            ? ms.ToString(CultureInfo.InvariantCulture) + " ms"
            : (ms / 1000.0).ToString("0.###", CultureInfo.InvariantCulture) + " s";

    /// <summary>Shortens <paramref name="text"/> to at most <paramref name="max"/> characters, ending in an ellipsis.</summary>
    public static string Truncate(string text, int max)
    {
        if (max <= 0) return "";
        var oneLine = text.ReplaceLineEndings(" ");
        return oneLine.Length <= max ? oneLine : oneLine[..Math.Max(0, max - 1)] + "\u2026";
    }

    /// <summary>Node list as "n1,n3".</summary>
    public static string Nodes(IReadOnlyList<int> nodes) =>
        nodes.Count == 0 ? "all" : string.Join(",", nodes.Select(n => "n" + n.ToString(CultureInfo.InvariantCulture)));
}
