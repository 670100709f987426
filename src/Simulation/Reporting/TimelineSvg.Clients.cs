using System.Text;
using static Cairn.Simulation.Reporting.HtmlText;

namespace Cairn.Simulation.Reporting;

internal sealed partial class TimelineSvg
{
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
        _opBoxes.TryAdd((op.Client, op.StartMs), (span.From, y + 1.5, w));
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
