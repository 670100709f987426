using System.Globalization;
using Cairn.Simulation.Reporting;

namespace Cairn.Simulation.Cli;

/// <summary>
/// What <c>replay</c> prints: the fault trace merged in time order with the run's elections: role changes,
/// vote replies (Raft §5.2) and, when a node becomes leader, why it won. Same columns as the trace.
/// </summary>
internal static class ReplayTranscript
{
    /// <summary>Writes <paramref name="trace"/> (lines from <c>--trace</c>) and the election lines of <paramref name="timeline"/>, merged by time.</summary>
    public static void Write(TextWriter output, string trace, Timeline timeline)
    {
        var traced = trace.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (Time: TimeOf(l), Line: l.TrimEnd('\r'))).ToList();
        var raft = RaftLines(timeline).ToList();
        int i = 0, j = 0;
        while (i < traced.Count || j < raft.Count)
        {
            if (j >= raft.Count || (i < traced.Count && traced[i].Time <= raft[j].TimeMs)) output.WriteLine(traced[i++].Line);
            else output.WriteLine(raft[j++].Line);
        }
    }

    /// <summary>Role changes and vote replies in time order, formatted like trace lines.</summary>
    public static IEnumerable<(long TimeMs, string Line)> RaftLines(Timeline t)
    {
        var elections = Election.Of(t).ToDictionary(e => e.Term);
        var events = new List<(long TimeMs, int Order, string Line)>();
        foreach (var r in t.Roles)
        {
            if (r.FromMs == 0 && r.Role == "follower") continue; // every node starts as a follower
            var detail = r.Role switch
            {
                "candidate" => $"term {r.Term}: stands for election",
                "leader" => $"term {r.Term}: becomes leader; " + (elections.TryGetValue(r.Term, out var e) ? e.Explain() : "no votes recorded"),
                "down" => "is down",
                _ => $"term {r.Term}: follower",
            };
            events.Add((r.FromMs, 1, Line(r.FromMs, r.Role, r.Node, detail)));
        }
        foreach (var v in t.Votes)
            events.Add((v.TimeMs, 0, Line(v.TimeMs, "vote", v.Voter, $"term {v.Term}: {(v.Granted ? "grants" : "refuses")} n{v.Candidate}")));
        return events.OrderBy(e => e.TimeMs).ThenBy(e => e.Order).Select(e => (e.TimeMs, e.Line));
    }

    private static string Line(long time, string kind, int node, string detail) =>
        string.Create(CultureInfo.InvariantCulture, $"{time,8} {kind,-10} n{node} {detail}");

    private static long TimeOf(string traceLine) =>
        traceLine.Length >= 8 && long.TryParse(traceLine.AsSpan(0, 8).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : 0;
}
