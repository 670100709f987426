using System.Text;
using static Cairn.Simulation.Reporting.HtmlText;

namespace Cairn.Simulation.Reporting;

/// <summary>
/// A small timeline of only the counterexample's operations, scaled to their own span (on the run's timeline they
/// often last a few ms of a minute): one row per operation, reads in red, writes in purple, dashed lines from each
/// read back to the writes it depends on.
/// </summary>
internal static class CounterexampleZoom
{
    private const double Width = 1100;
    private const double Left = 300;
    private const double Right = 30;
    private const double Row = 22;
    private const double Top = 26;

    public static void Write(StringBuilder o, IReadOnlyList<CounterexampleOperation> ops)
    {
        var from = ops.Min(c => c.StartMs);
        var to = Math.Max(from + 1, ops.Max(c => c.EndMs ?? c.StartMs));
        var pad = Math.Max(1, (to - from) / 20);
        var open = to + 2 * pad;
        double X(long ms) => Left + (Width - Left - Right) * ((Math.Min(ms, open) - (from - pad)) / (double)(open - (from - pad)));
        var height = Top + ops.Count * Row + 10;
        o.Append("<svg class=\"cexzoom\" viewBox=\"0 0 ").Append(Num(Width)).Append(' ').Append(Num(height)).Append("\" width=\"")
            .Append(Num(Width)).Append("\" height=\"").Append(Num(height)).Append("\" role=\"img\" aria-label=\"Counterexample operations\">\n");
        o.Append("<g class=\"axis\"><text x=\"").Append(Num(X(from))).Append("\" y=\"14\">").Append(Escape(Time(from))).Append("</text><text x=\"")
            .Append(Num(X(to))).Append("\" y=\"14\">").Append(Escape(Time(to))).Append("</text></g>\n");
        var rows = new Dictionary<long, (double X0, double X1, double Y)>();
        for (var i = 0; i < ops.Count; i++)
        {
            var c = ops[i];
            var y = Top + i * Row;
            var x0 = X(c.StartMs);
            var x1 = Math.Max(x0 + 3, X(c.EndMs ?? open));
            rows[c.Index] = (x0, x1, y + Row / 2 - 2);
            var kind = c.IsWrite ? "w" : "r";
            o.Append("<text class=\"cex-label ").Append(kind).Append("\" x=\"4\" y=\"").Append(Num(y + 13)).Append("\">")
                .Append(Escape(Truncate("#" + Int(c.Index) + " client " + Int(c.Client) + "  " + c.Operation, 46))).Append("<title>")
                .Append(Escape(c.Operation)).Append("</title></text>");
            o.Append("<rect class=\"bar-").Append(kind).Append("\" x=\"").Append(Num(x0)).Append("\" y=\"").Append(Num(y + 3)).Append("\" width=\"")
                .Append(Num(x1 - x0)).Append("\" height=\"").Append(Num(Row - 8)).Append("\"><title>")
                .Append(Escape("#" + Int(c.Index) + ": " + Time(c.StartMs) + " \u2192 " + (c.EndMs is { } e ? Time(e) : "never completed"))).Append("</title></rect>\n");
        }
        foreach (var c in ops.Where(c => !c.IsWrite))
            foreach (var d in c.DependsOn)
                if (rows.TryGetValue(d, out var w) && rows.TryGetValue(c.Index, out var r))
                    o.Append("<path class=\"cex-dep\" d=\"M").Append(Num(w.X1)).Append(' ').Append(Num(w.Y)).Append(" L").Append(Num(r.X0))
                        .Append(' ').Append(Num(r.Y)).Append("\"><title>").Append(Escape("#" + Int(c.Index) + " depends on write #" + Int(d))).Append("</title></path>\n");
        o.Append("</svg>\n");
    }
}
