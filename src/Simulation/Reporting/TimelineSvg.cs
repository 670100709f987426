using System.Text;
using static Cairn.Simulation.Reporting.HtmlText;

namespace Cairn.Simulation.Reporting;

/// <summary>Draws a <see cref="Timeline"/> as one inline SVG: fault lanes, one lane per node, one lane per client.</summary>
internal sealed class TimelineSvg
{
    private const double Width = 1500;
    private const double LabelWidth = 112;
    private const double RightPad = 24;
    private const double X0 = LabelWidth;
    private const double X1 = Width - RightPad;
    private const double NodeLaneHeight = 34;
    private const double LaneGap = 6;
    private const double GroupGap = 12;
    private const double BandRow = 18;
    private const double OpRow = 13;
    private const double AxisHeight = 24;
    private const double LabelRow = 16;
    private const int MaxViolationLabels = 4;
    private const int MaxBandRows = 3;
    private const int MaxOpRows = 4;
    private const double CharWidth = 6.4; // approximate width of an 11px sans-serif character

    private readonly Timeline _t;
    private readonly long _end;
    private readonly StringBuilder _lanes = new();
    private readonly List<int> _nodeIds;
    private double _y;

    private TimelineSvg(Timeline timeline, IReadOnlyList<int> nodeIds, long end)
    {
        _t = timeline;
        _nodeIds = nodeIds.ToList();
        _end = end;
    }

    /// <summary>Appends the SVG for <paramref name="timeline"/> to <paramref name="output"/>.</summary>
    public static void Write(StringBuilder output, Timeline timeline, IReadOnlyList<int> nodeIds, long end,
        IReadOnlyList<PlacedOperation> operations, string? sampleNote) =>
        new TimelineSvg(timeline, nodeIds, end).Draw(output, operations, sampleNote);

    private double X(long ms) => X0 + (X1 - X0) * (Math.Clamp(ms, 0, _end) / (double)_end);

    private void Draw(StringBuilder output, IReadOnlyList<PlacedOperation> operations, string? sampleNote)
    {
        var violationRows = Math.Min(_t.Violations.Count, MaxViolationLabels);
        var labelRows = violationRows + (_t.HealMs > 0 ? 1 : 0);
        var axisTop = 6 + labelRows * LabelRow;
        var lanesTop = axisTop + AxisHeight;
        _y = lanesTop;

        DrawFaultLanes();
        _y += GroupGap - LaneGap;
        DrawNodeLanes();
        _y += GroupGap - LaneGap;
        DrawClientLanes(operations, sampleNote);
        var lanesBottom = _y - LaneGap + 4;
        var height = lanesBottom + AxisHeight + 4;

        output.Append("<svg class=\"timeline\" viewBox=\"0 0 ").Append(Num(Width)).Append(' ').Append(Num(height))
            .Append("\" width=\"").Append(Num(Width)).Append("\" height=\"").Append(Num(height))
            .Append("\" role=\"img\" aria-label=\"Run timeline\">\n");
        WriteDefs(output);
        WriteGrid(output, axisTop, lanesTop, lanesBottom);
        output.Append(_lanes);
        WriteOverlays(output, lanesTop, lanesBottom);
        output.Append("</svg>\n");
    }

    private static void WriteDefs(StringBuilder o) => o.Append(
        "<defs>" +
        "<pattern id=\"hatch-down\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">" +
        "<rect width=\"6\" height=\"6\" fill=\"#e6e9ed\"/><rect width=\"2.5\" height=\"6\" fill=\"#6e7781\"/></pattern>" +
        "<pattern id=\"hatch-unknown\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">" +
        "<rect width=\"5\" height=\"5\" fill=\"#fde6d2\"/><rect width=\"2\" height=\"5\" fill=\"#e16f24\"/></pattern>" +
        "</defs>\n");

    // ---- time axis and grid -------------------------------------------------------------------------------------

    private static long TickStep(long span)
    {
        var target = Math.Max(1, span / 14.0);
        long step = 1;
        while (true)
        {
            foreach (var m in new[] { 1L, 2L, 5L })
                if (step * m >= target) return step * m;
            step *= 10;
        }
    }

    private static string TickLabel(long ms, long step) =>
        step >= 1000 ? Duration(ms) : step >= 100 && ms >= 1000 ? Duration(ms) : Int(ms) + " ms";

    private void WriteGrid(StringBuilder o, double axisTop, double lanesTop, double lanesBottom)
    {
        var step = TickStep(_end);
        o.Append("<g class=\"axis\">");
        for (long t = 0; t <= _end; t += step)
        {
            var x = Num(X(t));
            o.Append("<line class=\"grid\" x1=\"").Append(x).Append("\" x2=\"").Append(x)
                .Append("\" y1=\"").Append(Num(lanesTop - 4)).Append("\" y2=\"").Append(Num(lanesBottom)).Append("\"/>");
            var label = Escape(TickLabel(t, step));
            // Keep the outermost labels inside the plot so they never collide with the lane labels.
            var anchor = t == 0 ? " text-anchor=\"start\"" : X(t) > X1 - 20 ? " text-anchor=\"end\"" : "";
            o.Append("<text x=\"").Append(x).Append("\" y=\"").Append(Num(axisTop + 14)).Append('"').Append(anchor).Append('>').Append(label).Append("</text>");
            o.Append("<text x=\"").Append(x).Append("\" y=\"").Append(Num(lanesBottom + 16)).Append('"').Append(anchor).Append('>').Append(label).Append("</text>");
        }
        o.Append("<line class=\"axisline\" x1=\"").Append(Num(X0)).Append("\" x2=\"").Append(Num(X1))
            .Append("\" y1=\"").Append(Num(lanesTop - 4)).Append("\" y2=\"").Append(Num(lanesTop - 4)).Append("\"/>");
        o.Append("<line class=\"axisline\" x1=\"").Append(Num(X0)).Append("\" x2=\"").Append(Num(X1))
            .Append("\" y1=\"").Append(Num(lanesBottom)).Append("\" y2=\"").Append(Num(lanesBottom)).Append("\"/>");
        o.Append("<text class=\"axisunit\" x=\"8\" y=\"").Append(Num(axisTop + 14))
            .Append("\">simulated time</text>");
        o.Append("</g>\n");
    }

    private void WriteOverlays(StringBuilder o, double lanesTop, double lanesBottom)
    {
        var row = 0;
        if (_t.HealMs > 0)
        {
            var x = X(_t.HealMs);
            o.Append("<g class=\"heal\"><title>").Append(Escape("final heal at " + Time(_t.HealMs) + ": faults stop, the cluster must recover"))
                .Append("</title><line x1=\"").Append(Num(x)).Append("\" x2=\"").Append(Num(x)).Append("\" y1=\"")
                .Append(Num(6 + row * LabelRow + 4)).Append("\" y2=\"").Append(Num(lanesBottom)).Append("\"/>");
            AppendFlagLabel(o, x, 6 + row * LabelRow + 12, "heal " + Time(_t.HealMs), 60);
            o.Append("</g>\n");
            row++;
        }
        for (var i = 0; i < _t.Violations.Count; i++)
        {
            var (time, text) = _t.Violations[i];
            var x = X(time);
            var labelled = i < MaxViolationLabels;
            var top = labelled ? 6 + (row + i) * LabelRow + 4 : lanesTop - 4;
            o.Append("<g class=\"violation\"><title>").Append(Escape("violation at " + Time(time) + "\n" + text)).Append("</title>")
                .Append("<line x1=\"").Append(Num(x)).Append("\" x2=\"").Append(Num(x)).Append("\" y1=\"").Append(Num(top))
                .Append("\" y2=\"").Append(Num(lanesBottom)).Append("\"/>");
            if (labelled)
                AppendFlagLabel(o, x, 6 + (row + i) * LabelRow + 12, "\u2716 " + Time(time) + "  " + text, 140);
            o.Append("</g>\n");
        }
    }

    /// <summary>A label next to a vertical line, flipped to the left of it near the right edge.</summary>
    private static void AppendFlagLabel(StringBuilder o, double x, double y, string text, int maxChars)
    {
        var room = x > X0 + (X1 - X0) * 0.55 ? x - 8 : Width - x - 8;
        var max = Math.Min(maxChars, (int)(room / CharWidth));
        var anchorEnd = x > X0 + (X1 - X0) * 0.55;
        o.Append("<text x=\"").Append(Num(anchorEnd ? x - 5 : x + 5)).Append("\" y=\"").Append(Num(y)).Append('"')
            .Append(anchorEnd ? " text-anchor=\"end\"" : "").Append('>').Append(Escape(Truncate(text, max))).Append("</text>");
    }

    // ---- fault lanes --------------------------------------------------------------------------------------------

    internal enum FaultClass { Node, Partition, Clog, Clock, Heal, Other }

    internal static FaultClass Classify(string kind)
    {
        var k = kind.ToLowerInvariant();
        if (k == "heal") return FaultClass.Heal;
        if (k.Contains("clog")) return FaultClass.Clog;
        if (k is "isolate" or "halves" or "one-way" or "oneway" or "bridge" or "ring" || k.Contains("partition") || k.Contains("cut"))
            return FaultClass.Partition;
        if (k is "skew" or "drift" or "jump" || k.Contains("clock")) return FaultClass.Clock;
        if (k is "crash" or "restart" or "pause" or "resume" or "kill" or "stop" or "start" or "recover") return FaultClass.Node;
        return FaultClass.Other;
    }

    internal static string FaultCss(string kind) => kind.ToLowerInvariant() switch
    {
        "isolate" => "f-isolate",
        "halves" => "f-halves",
        "one-way" or "oneway" => "f-oneway",
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
        DrawBandLane("network", "partitions: isolate, halves, one-way", partitions, heals);
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
        const double height = 22;
        LaneBackground(label, title, height);
        if (marks.Count == 0) EmptyNote(height, "none");
        for (var i = 0; i < marks.Count; i++)
        {
            var m = marks[i];
            var x = X(m.TimeMs);
            var cy = _y + height / 2;
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
        _y += height + LaneGap;
    }

    private void EmptyNote(double height, string text) =>
        _lanes.Append("<text class=\"empty\" x=\"").Append(Num(X0 + 6)).Append("\" y=\"").Append(Num(_y + height / 2 + 4)).Append("\">")
            .Append(Escape(text)).Append("</text>\n");

    // ---- node lanes ---------------------------------------------------------------------------------------------

    private static string RoleCss(string role) => role.ToLowerInvariant() switch
    {
        "leader" => "r-leader",
        "candidate" => "r-candidate",
        "follower" => "r-follower",
        "down" => "r-down",
        _ => "r-other",
    };

    private void DrawNodeLanes()
    {
        GroupLabel("NODES");
        foreach (var node in _nodeIds)
        {
            var segments = _t.Roles.Where(r => r.Node == node).OrderBy(r => r.FromMs).ToList();
            var leaderTerms = segments.Where(s => RoleCss(s.Role) == "r-leader").Select(s => s.Term).Distinct().Count();
            LaneBackground("node " + Int(node), "node " + Int(node), NodeLaneHeight,
                leaderTerms == 0 ? "never leader" : "leader in " + Int(leaderTerms) + (leaderTerms == 1 ? " term" : " terms"));
            for (var i = 0; i < segments.Count; i++)
            {
                var s = segments[i];
                var endMs = i + 1 < segments.Count ? segments[i + 1].FromMs : _end;
                if (endMs <= s.FromMs && i + 1 < segments.Count) continue;
                DrawRole(node, s, endMs);
            }
            DrawNodeStrips(node);
            DrawNodeMarks(node);
            _y += NodeLaneHeight + LaneGap;
        }
    }

    private void DrawRole(int node, RoleSegment s, long endMs)
    {
        var css = RoleCss(s.Role);
        var x = X(s.FromMs);
        var w = Math.Max(0.8, X(endMs) - x);
        var (dy, h) = css switch
        {
            "r-leader" => (2.0, 26.0),
            "r-candidate" => (7.0, 16.0),
            _ => (9.0, 12.0),
        };
        _lanes.Append("<g class=\"").Append(css).Append("\"><title>")
            .Append(Escape("node " + Int(node) + " \u00b7 " + s.Role + (css == "r-down" ? "" : " \u00b7 term " + s.Term.ToString(System.Globalization.CultureInfo.InvariantCulture)) +
                "\n" + Time(s.FromMs) + " \u2192 " + Time(endMs) + " (" + Duration(endMs - s.FromMs) + ")"))
            .Append("</title><rect x=\"").Append(Num(x)).Append("\" y=\"").Append(Num(_y + dy)).Append("\" width=\"").Append(Num(w))
            .Append("\" height=\"").Append(Num(h)).Append("\"/>");
        var term = "t" + s.Term.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var label = css switch
        {
            "r-leader" => w >= (term.Length + 8) * CharWidth ? "leader " + term : w >= (term.Length + 1) * CharWidth ? term : null,
            "r-down" => w >= 6 * CharWidth ? "down" : null,
            _ => w >= (term.Length + 1) * CharWidth ? term : null,
        };
        if (label is not null)
            _lanes.Append("<text x=\"").Append(Num(x + w / 2)).Append("\" y=\"").Append(Num(_y + dy + h / 2 + 3.8)).Append("\">")
                .Append(Escape(label)).Append("</text>");
        _lanes.Append("</g>\n");
    }

    private void DrawNodeStrips(int node)
    {
        foreach (var f in _t.Faults)
        {
            var cls = Classify(f.Kind);
            if (cls is not (FaultClass.Partition or FaultClass.Clog) || !f.Nodes.Contains(node)) continue;
            var end = FaultEnd(f);
            var x = X(f.TimeMs);
            _lanes.Append("<rect class=\"strip ").Append(FaultCss(f.Kind)).Append("\" x=\"").Append(Num(x)).Append("\" y=\"")
                .Append(Num(_y + NodeLaneHeight - 5)).Append("\" width=\"").Append(Num(Math.Max(2, X(end) - x))).Append("\" height=\"4\"><title>")
                .Append(Escape(FaultTitle(f, end))).Append("</title></rect>\n");
        }
    }

    private void DrawNodeMarks(int node)
    {
        foreach (var f in _t.Faults)
        {
            if (Classify(f.Kind) != FaultClass.Node || !f.Nodes.Contains(node)) continue;
            var kind = f.Kind.ToLowerInvariant();
            var x = X(f.TimeMs);
            var end = f.DurationMs > 0 ? Math.Min(_end, f.TimeMs + f.DurationMs) : f.TimeMs;
            var title = Escape(FaultTitle(f, end));
            var cy = _y + 7;
            switch (kind)
            {
                case "crash" or "kill" or "stop":
                    _lanes.Append("<g class=\"m-crash\"><title>").Append(title).Append("</title><line x1=\"").Append(Num(x)).Append("\" x2=\"")
                        .Append(Num(x)).Append("\" y1=\"").Append(Num(_y)).Append("\" y2=\"").Append(Num(_y + NodeLaneHeight - 5)).Append("\"/>")
                        .Append("<circle cx=\"").Append(Num(x)).Append("\" cy=\"").Append(Num(cy)).Append("\" r=\"6\"/>")
                        .Append("<path d=\"M").Append(Num(x - 3)).Append(' ').Append(Num(cy - 3)).Append("l6 6m0 -6l-6 6\"/></g>\n");
                    break;
                case "restart" or "start" or "recover":
                    _lanes.Append("<g class=\"m-restart\"><title>").Append(title).Append("</title><path d=\"M").Append(Num(x)).Append(' ')
                        .Append(Num(cy - 6)).Append("l6 11h-12z\"/></g>\n");
                    break;
                case "pause":
                    var w = Math.Max(3, X(end) - x);
                    _lanes.Append("<g class=\"m-pause\"><title>").Append(title).Append("</title><rect class=\"pz\" x=\"").Append(Num(x))
                        .Append("\" y=\"").Append(Num(_y + 1)).Append("\" width=\"").Append(Num(w)).Append("\" height=\"")
                        .Append(Num(NodeLaneHeight - 7)).Append("\"/><rect class=\"pbar\" x=\"").Append(Num(x + 1)).Append("\" y=\"")
                        .Append(Num(cy - 4)).Append("\" width=\"2\" height=\"8\"/><rect class=\"pbar\" x=\"").Append(Num(x + 4.5))
                        .Append("\" y=\"").Append(Num(cy - 4)).Append("\" width=\"2\" height=\"8\"/></g>\n");
                    break;
                default:
                    _lanes.Append("<g class=\"m-other\"><title>").Append(title).Append("</title><circle cx=\"").Append(Num(x)).Append("\" cy=\"")
                        .Append(Num(cy)).Append("\" r=\"3.5\"/></g>\n");
                    break;
            }
        }
    }

    // ---- client lanes -------------------------------------------------------------------------------------------

    private void DrawClientLanes(IReadOnlyList<PlacedOperation> operations, string? sampleNote)
    {
        GroupLabel("CLIENTS");
        if (sampleNote is not null)
            _lanes.Append("<text class=\"samplenote\" x=\"").Append(Num(X1)).Append("\" y=\"").Append(Num(_y - 5)).Append("\">")
                .Append(Escape(sampleNote)).Append("</text>\n");
        var clients = operations.Select(o => o.Op.Client).Distinct().Order().ToList();
        if (clients.Count == 0)
        {
            LaneBackground("clients", "client operations", 22);
            EmptyNote(22, "no client operations recorded");
            _y += 22 + LaneGap;
            return;
        }
        foreach (var client in clients)
        {
            var ops = operations.Where(o => o.Op.Client == client).ToList();
            // Rows are packed by time, not by pixels: only operations that really overlap get a row of their own.
            var rowsOf = Pack(ops.Select(o => ((double)o.Op.StartMs, (double)Math.Max(o.DrawEndMs, o.Op.StartMs))).ToList(), MaxOpRows, out var rows);
            var spans = ops.Select(o => (From: X(o.Op.StartMs), To: Math.Max(X(o.DrawEndMs), X(o.Op.StartMs) + 1))).ToList();
            var height = rows * OpRow + 6;
            var all = _t.Operations.Where(o => o.Client == client).ToList();
            var ok = all.Count(o => OutcomeCss(o) == "o-ok");
            LaneBackground("client " + Int(client), "client " + Int(client), Math.Max(height, 26),
                Int(all.Count) + " ops, " + Int(ok) + " ok");
            height = Math.Max(height, 26);
            var top = _y + (height - rows * OpRow) / 2;
            for (var i = 0; i < ops.Count; i++)
                DrawOperation(ops[i], top + rowsOf[i] * OpRow, spans[i]);
            _y += height + LaneGap;
        }
    }

    internal static string OutcomeCss(ClientOperation op) =>
        op.EndMs is null ? "o-unknown" : op.Outcome.ToLowerInvariant() switch
        {
            "ok" => "o-ok",
            "fail" => "o-fail",
            _ => "o-unknown",
        };

    private void DrawOperation(PlacedOperation p, double y, (double From, double To) span)
    {
        var op = p.Op;
        var css = OutcomeCss(op);
        var w = Math.Max(1, span.To - span.From);
        var title = "client " + Int(op.Client) + ": " + op.Operation + "\n" + op.Outcome + " \u00b7 " + Time(op.StartMs) +
            (op.EndMs is { } e ? " \u2192 " + Time(e) + " (" + Duration(e - op.StartMs) + ")" : " \u2192 never completed (outcome unknown)");
        _lanes.Append("<rect class=\"").Append(css).Append("\" x=\"").Append(Num(span.From)).Append("\" y=\"").Append(Num(y + 1.5))
            .Append("\" width=\"").Append(Num(w)).Append("\" height=\"").Append(Num(OpRow - 3)).Append("\"><title>")
            .Append(Escape(title)).Append("</title></rect>\n");
        if (css == "o-unknown" && w >= 8)
        {
            // An open end: a chevron where the bar stops, because the operation itself never did.
            var xe = span.From + w;
            _lanes.Append("<path class=\"o-open\" d=\"M").Append(Num(xe - 4)).Append(' ').Append(Num(y + 2)).Append("l4 ")
                .Append(Num((OpRow - 4) / 2)).Append("l-4 ").Append(Num((OpRow - 4) / 2)).Append("\"/>\n");
        }
    }
}

/// <summary>An operation to draw, with the time its bar stops (open-ended operations stop at the client's next one or the end).</summary>
internal sealed record PlacedOperation(ClientOperation Op, long DrawEndMs);
