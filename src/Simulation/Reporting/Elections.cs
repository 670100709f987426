using System.Globalization;

namespace Cairn.Simulation.Reporting;

/// <summary>One term's election (Raft §5.2): who stood, who voted for whom, and who won with which majority.</summary>
/// <param name="Term">The term.</param>
/// <param name="Nodes">Cluster size.</param>
/// <param name="Candidates">Nodes that stood in this term (the winner included), each with when it started.</param>
/// <param name="Votes">Vote replies of this term in time order.</param>
/// <param name="Winner">The node that became leader in this term, or null.</param>
/// <param name="WonMs">When the winner became leader.</param>
internal sealed record Election(ulong Term, int Nodes, IReadOnlyList<(int Node, long FromMs)> Candidates, IReadOnlyList<VoteReply> Votes, int? Winner, long? WonMs)
{
    /// <summary>Votes a candidate needs, its own included.</summary>
    public int Majority => Nodes / 2 + 1;

    /// <summary>When the election started: its first candidate, vote or leader.</summary>
    public long StartMs => Candidates.Select(c => c.FromMs).Concat(Votes.Select(v => v.TimeMs)).Concat(WonMs is { } w ? [w] : []).DefaultIfEmpty(0).Min();

    /// <summary>The voters that granted <paramref name="candidate"/> their vote (up to the win, if it won), ascending.</summary>
    public IReadOnlyList<int> GrantsFor(int candidate) =>
        Votes.Where(v => v.Granted && v.Candidate == candidate && (candidate != Winner || v.TimeMs <= WonMs))
            .Select(v => v.Voter).Where(v => v != candidate).Distinct().Order().ToArray();

    /// <summary>Why the election ended as it did, in one sentence.</summary>
    public string Explain()
    {
        if (Winner is { } w)
        {
            var grants = GrantsFor(w);
            if (Nodes == 1) return $"n{w} won: a one-node cluster votes for itself";
            return $"n{w} won: votes from {NodeList(grants)} and itself = {grants.Count + 1} of {Nodes} (a majority is {Majority})";
        }
        var tally = Candidates.Select(c => c.Node).Distinct().Select(c => $"n{c} got {GrantsFor(c).Count + 1}").ToList();
        return tally.Count == 0
            ? $"no leader: no candidate was seen (a majority is {Majority})"
            : $"no leader: {string.Join(", ", tally)} of {Nodes} (a majority is {Majority})";
    }

    private static string NodeList(IReadOnlyList<int> nodes) => nodes.Count == 0 ? "no other node" : string.Join(", ", nodes.Select(n => "n" + n.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Every term in which someone stood, voted or led, in term order.</summary>
    public static IReadOnlyList<Election> Of(Timeline t)
    {
        ArgumentNullException.ThrowIfNull(t);
        var roles = t.Roles.Where(r => r.Role is ("candidate" or "leader")).ToLookup(r => r.Term);
        var votes = t.Votes.ToLookup(v => v.Term);
        var elections = new List<Election>();
        foreach (var term in roles.Select(g => g.Key).Concat(votes.Select(g => g.Key)).Distinct().Order())
        {
            var standing = roles[term].GroupBy(r => r.Node).Select(g => (Node: g.Key, FromMs: g.Min(r => r.FromMs)))
                .OrderBy(c => c.FromMs).ThenBy(c => c.Node).ToList();
            var won = roles[term].Where(r => r.Role == "leader").OrderBy(r => r.FromMs).FirstOrDefault();
            elections.Add(new Election(term, t.Nodes, standing, votes[term].ToList(), won?.Node, won?.FromMs));
        }
        return elections;
    }
}
