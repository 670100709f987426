using System.Globalization;
using System.Text;
using static Cairn.Simulation.Reporting.HtmlText;

namespace Cairn.Simulation.Reporting;

public static partial class HtmlReport
{
    /// <summary>Most election rows listed; a storm of elections beyond this is summarised.</summary>
    private const int MaxElectionRows = 500;

    /// <summary>Most counterexample rows listed.</summary>
    private const int MaxCounterexampleRows = 200;

    private static string Term(ulong term) => term.ToString(CultureInfo.InvariantCulture);

    /// <summary>A table of every election: candidates, the votes each got from whom, and why the winner won (Raft §5.2).</summary>
    private static void WriteElections(StringBuilder sb, Timeline t)
    {
        var elections = Election.Of(t);
        if (elections.Count == 0) return;
        var won = elections.Count(e => e.Winner is not null);
        sb.Append("<details class=\"elections\"").Append(elections.Count <= 40 ? " open" : "").Append("><summary>Elections (")
            .Append(Int(elections.Count)).Append(" terms, ").Append(Int(won)).Append(" won) \u2014 why each leader won</summary>\n")
            .Append("<table><thead><tr><th>term</th><th>started</th><th>candidates</th><th>votes granted (voter \u2192 candidate)</th><th>refused</th><th>outcome</th></tr></thead><tbody>\n");
        foreach (var e in elections.Take(MaxElectionRows))
        {
            var granted = e.Votes.Where(v => v.Granted).Select(v => "n" + Int(v.Voter) + "\u2192n" + Int(v.Candidate)).Distinct();
            var refused = e.Votes.Where(v => !v.Granted).Select(v => "n" + Int(v.Voter) + "\u2192n" + Int(v.Candidate)).Distinct();
            sb.Append("<tr class=\"").Append(e.Winner is null ? "lost" : "won").Append("\"><td>").Append(Term(e.Term)).Append("</td><td>")
                .Append(Escape(Time(e.StartMs))).Append("</td><td>")
                .Append(Escape(string.Join(", ", e.Candidates.Select(c => "n" + Int(c.Node))))).Append("</td><td>")
                .Append(Escape(string.Join(" ", granted))).Append("</td><td>").Append(Escape(string.Join(" ", refused))).Append("</td><td>")
                .Append(Escape(e.Explain() + (e.WonMs is { } w ? " at " + Time(w) : ""))).Append("</td></tr>\n");
        }
        sb.Append("</tbody></table>");
        if (elections.Count > MaxElectionRows)
            sb.Append("<p class=\"note\">").Append(Escape("First " + Int(MaxElectionRows) + " terms shown.")).Append("</p>");
        if (t.Votes.Count >= Timeline.VotesMax)
            sb.Append("<p class=\"note\">").Append(Escape("Only the first " + Int(Timeline.VotesMax) + " vote replies were recorded.")).Append("</p>");
        sb.Append("</details>\n");
    }

    /// <summary>The counterexample's operations, marked #n on the timeline, with the writes each read depends on.</summary>
    private static void WriteCounterexample(StringBuilder sb, Timeline t)
    {
        if (t.Counterexample.Count == 0) return;
        sb.Append("<section class=\"cex\"><h2>Linearizability counterexample: ").Append(Int(t.Counterexample.Count))
            .Append(" operations (outlined and numbered on the timeline)</h2>\n<p>No order of these operations is consistent with every reply and with real time. ")
            .Append("Reads are outlined in red, the writes they depend on in purple; dashed lines join each read to those writes. The drawing below the table zooms in on them.</p>\n")
            .Append("<table><thead><tr><th>#</th><th>client</th><th>kind</th><th>operation and reply</th><th>invoked</th><th>completed</th><th>depends on writes</th></tr></thead><tbody>\n");
        foreach (var c in t.Counterexample.Take(MaxCounterexampleRows))
            sb.Append("<tr class=\"").Append(c.IsWrite ? "w" : "r").Append("\"><td>#").Append(Int(c.Index)).Append("</td><td>").Append(Int(c.Client))
                .Append("</td><td>").Append(c.IsWrite ? "write" : "read").Append("</td><td><code>").Append(Escape(c.Operation)).Append("</code></td><td>")
                .Append(Escape(Time(c.StartMs))).Append("</td><td>").Append(Escape(c.EndMs is { } e ? Time(e) : "unknown (open)")).Append("</td><td>")
                .Append(Escape(string.Join(", ", c.DependsOn.Select(d => "#" + Int(d))))).Append("</td></tr>\n");
        sb.Append("</tbody></table>\n");
        CounterexampleZoom.Write(sb, t.Counterexample);
        sb.Append("</section>\n");
    }

    private const string ElectionCss = """
        .elections, section.cex { margin: 18px 0; }
        .elections summary { cursor: pointer; font-weight: 600; }
        .elections table, .cex table { border-collapse: collapse; margin-top: 8px; font-size: 12.5px; font-variant-numeric: tabular-nums; }
        .elections th, .elections td, .cex th, .cex td { text-align: left; padding: 2px 12px 2px 0; border-bottom: 1px solid #eaeef2; vertical-align: top; }
        .elections td:nth-child(-n+2), .cex td:nth-child(n+5) { white-space: nowrap; }
        svg.cexzoom { display: block; margin-top: 10px; font: 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
        .cexzoom .bar-r { fill: #ffebe9; stroke: var(--red); stroke-width: 1.5; }
        .cexzoom .bar-w { fill: #fbefff; stroke: #8250df; stroke-width: 1.5; }
        .cexzoom .axis text { fill: var(--muted); text-anchor: middle; }
        .elections tr.won td:last-child { color: #0b57a4; font-weight: 600; }
        .elections tr.lost td:last-child { color: #9a6700; }
        .cex h2 { color: var(--red); }
        .cex tr.r td:first-child { color: var(--red); font-weight: 700; }
        .cex tr.w td:first-child { color: #8250df; font-weight: 700; }
        .vote-g { fill: #1a7f37; stroke: #fff; stroke-width: .8; }
        .vote-r { fill: none; stroke: #cf222e; stroke-width: 1.2; }
        .cex-r { fill: none; stroke: var(--red); stroke-width: 2.5; }
        .cex-w { fill: none; stroke: #8250df; stroke-width: 2.5; }
        .cex-label { font-size: 10px; font-weight: 700; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
        .cex-label.r { fill: var(--red); }
        .cex-label.w { fill: #8250df; }
        .cex-dep { stroke: #8250df; stroke-width: 1.2; stroke-dasharray: 4 3; fill: none; }

        """;
}
