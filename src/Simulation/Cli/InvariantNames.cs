namespace Cairn.Simulation.Cli;

/// <summary>
/// The name of every invariant a run can report, which is what <c>--mute</c> accepts.
/// <c>InvariantNamesTests</c> checks that each name reported in src/Simulation is listed here.
/// </summary>
internal static class InvariantNames
{
    /// <summary>Most names one <c>--mute</c> may list.</summary>
    public const int MutedMax = 32;

    /// <summary>Every invariant name, sorted.</summary>
    public static IReadOnlyList<string> All { get; } = new[]
    {
        "AcknowledgedCommandCommitted", "AppliedStateDurable", "ApplyOnlyDurable", "Bounded", "CommitMonotonic", "CommittedEntryDurable",
        "CommittedPrefixAgreement", "ElectionSafety", "LeaderCommitsCurrentTerm", "LeaderCompleteness", "LeaderHasQuorumOfVotes",
        "Linearizability", "Liveness", "LogMatching", "NodePanic", "ReplicaAgreement", "Session", "VoteOncePerTerm", "WatchStream",
        "DurableStateRecovered", "LeaseExpiry", "LinearizabilityUnknown", "ReadReplyApplied",
        "ApplyInOrder", "DiskCompletionOrder", "ReplyAttribution", "RequestId", "SnapshotIntegrity", "SnapshotWindow",
    }.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Parses a comma-separated list, refusing unknown names with the list of known ones.</summary>
    public static IReadOnlyList<string> ParseList(string? text)
    {
        if (text is null) return Array.Empty<string>();
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length > MutedMax) throw new ArgumentException($"--mute lists {names.Length} names; at most {MutedMax}");
        foreach (var name in names)
            if (!All.Contains(name, StringComparer.Ordinal))
                throw new ArgumentException($"unknown invariant '{name}' in --mute; known: {string.Join(", ", All)}");
        return names;
    }
}
