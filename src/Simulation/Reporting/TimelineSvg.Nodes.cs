using System.Text;
using static Cairn.Simulation.Reporting.HtmlText;

namespace Cairn.Simulation.Reporting;

internal sealed partial class TimelineSvg
{
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
            DrawVoteMarks(node);
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
                "\n" + Time(s.FromMs) + " \u2192 " + Time(endMs) + " (" + Duration(endMs - s.FromMs) + ")" +
                (css == "r-leader" && ElectionOf(s.Term) is { } election ? "\n" + election.Explain() : "")))
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

}
