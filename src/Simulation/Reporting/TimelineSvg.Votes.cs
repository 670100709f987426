using System.Globalization;
using static Cairn.Simulation.Reporting.HtmlText;

namespace Cairn.Simulation.Reporting;

internal sealed partial class TimelineSvg
{
    private Dictionary<ulong, Election>? _elections;

    /// <summary>The election of <paramref name="term"/>, for a leader segment's explanation.</summary>
    private Election? ElectionOf(ulong term)
    {
        _elections ??= Election.Of(_t).ToDictionary(e => e.Term);
        return _elections.GetValueOrDefault(term);
    }

    /// <summary>Vote replies sent by <paramref name="node"/>: a green dot for a grant, a red ring for a refusal, along the lane's top edge.</summary>
    private void DrawVoteMarks(int node)
    {
        foreach (var v in _t.Votes)
        {
            if (v.Voter != node) continue;
            var x = Num(X(v.TimeMs));
            var title = Escape("n" + Int(v.Voter) + (v.Granted ? " grants its vote to n" : " refuses its vote to n") + Int(v.Candidate) +
                " for term " + v.Term.ToString(CultureInfo.InvariantCulture) + " at " + Time(v.TimeMs));
            _lanes.Append("<circle class=\"").Append(v.Granted ? "vote-g" : "vote-r").Append("\" cx=\"").Append(x).Append("\" cy=\"")
                .Append(Num(_y + 3)).Append("\" r=\"").Append(v.Granted ? "3" : "2.5").Append("\"><title>").Append(title).Append("</title></circle>\n");
        }
    }

    /// <summary>Outlines and numbers the counterexample's operations and joins each read to the writes it depends on.</summary>
    private void DrawCounterexample()
    {
        foreach (var c in _t.Counterexample)
        {
            if (!_opBoxes.TryGetValue((c.Client, c.StartMs), out var box)) continue;
            var kind = c.IsWrite ? "w" : "r";
            _overlay.Append("<g><title>").Append(Escape("counterexample #" + Int(c.Index) + " (" + (c.IsWrite ? "write" : "read") + "): " + c.Operation))
                .Append("</title><rect class=\"cex-").Append(kind).Append("\" x=\"").Append(Num(box.X - 1.5)).Append("\" y=\"").Append(Num(box.Y - 1))
                .Append("\" width=\"").Append(Num(Math.Max(4, box.W + 3))).Append("\" height=\"").Append(Num(OpRow)).Append("\"/>")
                .Append("<text class=\"cex-label ").Append(kind).Append("\" x=\"").Append(Num(box.X)).Append("\" y=\"").Append(Num(box.Y - 2))
                .Append("\">#").Append(Int(c.Index)).Append("</text></g>\n");
            foreach (var d in c.DependsOn)
            {
                var write = _t.Counterexample.FirstOrDefault(w => w.Index == d);
                if (write is null || !_opBoxes.TryGetValue((write.Client, write.StartMs), out var wb) || c.IsWrite) continue;
                _overlay.Append("<path class=\"cex-dep\" d=\"M").Append(Num(wb.X + wb.W)).Append(' ').Append(Num(wb.Y + OpRow / 2))
                    .Append(" L").Append(Num(box.X)).Append(' ').Append(Num(box.Y + OpRow / 2)).Append("\"><title>")
                    .Append(Escape("#" + Int(c.Index) + " depends on write #" + Int(d))).Append("</title></path>\n");
            }
        }
    }
}
