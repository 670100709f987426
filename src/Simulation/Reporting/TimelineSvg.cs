using System.Text;
using static Cairn.Simulation.Reporting.HtmlText;

namespace Cairn.Simulation.Reporting;

/// <summary>Draws a <see cref="Timeline"/> as one inline SVG: fault lanes, one lane per node, one lane per client.</summary>
internal sealed partial class TimelineSvg
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
    private readonly StringBuilder _overlay = new();
    /// <summary>Where each drawn client operation's bar is, by (client, start), for the counterexample overlay.</summary>
    private readonly Dictionary<(int Client, long StartMs), (double X, double Y, double W)> _opBoxes = new();
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
        DrawCounterexample();
        var lanesBottom = _y - LaneGap + 4;
        var height = lanesBottom + AxisHeight + 4;

        output.Append("<svg class=\"timeline\" viewBox=\"0 0 ").Append(Num(Width)).Append(' ').Append(Num(height))
            .Append("\" width=\"").Append(Num(Width)).Append("\" height=\"").Append(Num(height))
            .Append("\" role=\"img\" aria-label=\"Run timeline\">\n");
        WriteDefs(output);
        WriteGrid(output, axisTop, lanesTop, lanesBottom);
        output.Append(_lanes);
        output.Append(_overlay);
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

}
