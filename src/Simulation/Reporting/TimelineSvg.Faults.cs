using System.Text;
using static Cairn.Simulation.Reporting.HtmlText;

namespace Cairn.Simulation.Reporting;

internal sealed partial class TimelineSvg
{
    internal enum FaultClass { Node, Partition, Clog, Clock, Heal, Other }

    internal static FaultClass Classify(string kind)
    {
        var k = kind.ToLowerInvariant();
        if (k == "heal") return FaultClass.Heal;
        if (k.Contains("clog")) return FaultClass.Clog;
        if (PartitionStyles.Find(k) is not null || k.Contains("partition") || k.Contains("cut"))
            return FaultClass.Partition;
        if (k is "skew" or "drift" or "jump" || k.Contains("clock")) return FaultClass.Clock;
        if (k is "crash" or "restart" or "pause" or "resume" or "kill" or "stop" or "start" or "recover") return FaultClass.Node;
        return FaultClass.Other;
    }

    internal static string FaultCss(string kind) => kind.ToLowerInvariant() switch
    {
        var k when PartitionStyles.Find(k) is { } shape => shape.Css,
        var k when k.Contains("clog") => "f-clog",
        var k when Classify(k) == FaultClass.Clock => "f-clock",
        var k when Classify(k) == FaultClass.Partition => "f-partition",
        _ => "f-other",
    };

    private long FaultEnd(FaultMark f)
    {
        if (f.DurationMs > 0) return Math.Min(_end, f.TimeMs + f.DurationMs);
        // Unknown duration: until the next heal, else the final heal, else the end of the run.
        foreach (var h in _t.Faults)
            if (Classify(h.Kind) == FaultClass.Heal && h.TimeMs > f.TimeMs) return h.TimeMs;
        return _t.HealMs > f.TimeMs ? _t.HealMs : _end;
    }

    private static string FaultTitle(FaultMark f, long end) =>
        f.Kind + " " + Nodes(f.Nodes) + "\nat " + Time(f.TimeMs) +
        (end > f.TimeMs ? " \u2192 " + Time(end) + " (" + Duration(end - f.TimeMs) + (f.DurationMs > 0 ? "" : ", until heal") + ")" : "") +
        (string.IsNullOrWhiteSpace(f.Detail) ? "" : "\n" + f.Detail);

    private void DrawFaultLanes()
    {
        GroupLabel("FAULTS");
        var partitions = _t.Faults.Where(f => Classify(f.Kind) == FaultClass.Partition).ToList();
        var heals = _t.Faults.Where(f => Classify(f.Kind) == FaultClass.Heal).ToList();
        DrawBandLane("network", "partitions: " + string.Join(", ", PartitionStyles.All.Select(p => p.Kind)), partitions, heals);
        DrawBandLane("clogs", "clogged nodes and links", _t.Faults.Where(f => Classify(f.Kind) == FaultClass.Clog).ToList(), []);
        DrawMarkerLane("clock", "clock changes", _t.Faults.Where(f => Classify(f.Kind) == FaultClass.Clock).ToList());
        var other = _t.Faults.Where(f => Classify(f.Kind) == FaultClass.Other).ToList();
        if (other.Count > 0) DrawMarkerLane("other", "other fault marks", other);
    }

    private void GroupLabel(string text)
    {
        _lanes.Append("<text class=\"group\" x=\"8\" y=\"").Append(Num(_y + 9)).Append("\">").Append(Escape(text)).Append("</text>\n");
        _y += 13;
    }

    private void LaneBackground(string label, string title, double height, string? sub = null)
    {
        _lanes.Append("<rect class=\"lane\" x=\"").Append(Num(X0)).Append("\" y=\"").Append(Num(_y)).Append("\" width=\"")
            .Append(Num(X1 - X0)).Append("\" height=\"").Append(Num(height)).Append("\"/>");
        var cy = _y + height / 2 + (sub is null ? 4 : -1);
        _lanes.Append("<text class=\"lanelabel\" x=\"").Append(Num(X0 - 8)).Append("\" y=\"").Append(Num(cy)).Append("\"><title>")
            .Append(Escape(title)).Append("</title>").Append(Escape(label)).Append("</text>");
        if (sub is not null)
            _lanes.Append("<text class=\"lanesub\" x=\"").Append(Num(X0 - 8)).Append("\" y=\"").Append(Num(cy + 11)).Append("\">")
                .Append(Escape(sub)).Append("</text>");
        _lanes.Append('\n');
    }

    /// <summary>Greedy interval packing: each interval goes to the first row free at its start; capped at <paramref name="maxRows"/>.</summary>
    internal static int[] Pack(IReadOnlyList<(double From, double To)> intervals, int maxRows, out int rows)
    {
        var rowEnds = new List<double>();
        var assigned = new int[intervals.Count];
        for (var i = 0; i < intervals.Count; i++)
        {
            var (from, to) = intervals[i];
            var row = rowEnds.FindIndex(e => e <= from);
            if (row < 0)
            {
                if (rowEnds.Count < maxRows) { rowEnds.Add(0); row = rowEnds.Count - 1; }
                else row = i % maxRows;
            }
            rowEnds[row] = Math.Max(rowEnds[row], to);
            assigned[i] = row;
        }
        rows = Math.Max(1, rowEnds.Count);
        return assigned;
    }

    private void DrawBandLane(string label, string title, List<FaultMark> marks, List<FaultMark> heals)
    {
        var spans = marks.Select(m => (From: X(m.TimeMs), To: Math.Max(X(FaultEnd(m)), X(m.TimeMs) + 3) + 1)).ToList();
        var rowsOf = Pack(spans, MaxBandRows, out var rows);
        var height = rows * BandRow + 4;
        LaneBackground(label, title, height);
        if (marks.Count == 0 && heals.Count == 0) EmptyNote(height, "none");
        for (var i = 0; i < marks.Count; i++)
        {
            var m = marks[i];
            var end = FaultEnd(m);
            var x = X(m.TimeMs);
            var w = Math.Max(3, X(end) - x);
            var y = _y + 2 + rowsOf[i] * BandRow;
            _lanes.Append("<g class=\"band ").Append(FaultCss(m.Kind)).Append("\"><title>").Append(Escape(FaultTitle(m, end)))
                .Append("</title><rect x=\"").Append(Num(x)).Append("\" y=\"").Append(Num(y)).Append("\" width=\"").Append(Num(w))
                .Append("\" height=\"").Append(Num(BandRow - 3)).Append("\"/>");
            var text = m.Kind + " " + Nodes(m.Nodes);
            var fit = (int)((w - 6) / CharWidth);
            if (fit >= 4)
                _lanes.Append("<text x=\"").Append(Num(x + 3)).Append("\" y=\"").Append(Num(y + 11.5)).Append("\">")
                    .Append(Escape(Truncate(text, fit))).Append("</text>");
            _lanes.Append("</g>\n");
        }
        foreach (var h in heals)
        {
            var x = Num(X(h.TimeMs));
            _lanes.Append("<line class=\"healmark\" x1=\"").Append(x).Append("\" x2=\"").Append(x).Append("\" y1=\"").Append(Num(_y))
                .Append("\" y2=\"").Append(Num(_y + height)).Append("\"><title>").Append(Escape(FaultTitle(h, h.TimeMs))).Append("</title></line>\n");
        }
        _y += height + LaneGap;
    }

    private void DrawMarkerLane(string label, string title, List<FaultMark> marks)
    {
        const double Height = 22;
        LaneBackground(label, title, Height);
        if (marks.Count == 0) EmptyNote(Height, "none");
        for (var i = 0; i < marks.Count; i++)
        {
            var m = marks[i];
            var x = X(m.TimeMs);
            var cy = _y + Height / 2;
            var end = m.DurationMs > 0 ? Math.Min(_end, m.TimeMs + m.DurationMs) : m.TimeMs;
            _lanes.Append("<g class=\"marker ").Append(FaultCss(m.Kind)).Append("\"><title>").Append(Escape(FaultTitle(m, end))).Append("</title>");
            if (end > m.TimeMs)
                _lanes.Append("<rect x=\"").Append(Num(x)).Append("\" y=\"").Append(Num(cy - 4)).Append("\" width=\"")
                    .Append(Num(Math.Max(2, X(end) - x))).Append("\" height=\"8\" opacity=\"0.35\"/>");
            _lanes.Append("<path d=\"M").Append(Num(x)).Append(' ').Append(Num(cy - 6)).Append("l5 6l-5 6l-5 -6z\"/>");
            var next = i + 1 < marks.Count ? X(marks[i + 1].TimeMs) : X1;
            var fit = (int)((next - x - 12) / CharWidth);
            var text = Nodes(m.Nodes) + " " + (string.IsNullOrWhiteSpace(m.Detail) ? m.Kind : m.Detail);
            if (fit >= 4)
                _lanes.Append("<text x=\"").Append(Num(x + 7)).Append("\" y=\"").Append(Num(cy + 4)).Append("\">")
                    .Append(Escape(Truncate(text, fit))).Append("</text>");
            _lanes.Append("</g>\n");
        }
        _y += Height + LaneGap;
    }

    private void EmptyNote(double height, string text) =>
        _lanes.Append("<text class=\"empty\" x=\"").Append(Num(X0 + 6)).Append("\" y=\"").Append(Num(_y + height / 2 + 4)).Append("\">")
            .Append(Escape(text)).Append("</text>\n");

    // ---- node lanes ---------------------------------------------------------------------------------------------

}
