namespace Cairn.Simulation.Reporting;

/// <summary>A node's role and term from <see cref="FromMs"/> until its next segment (or the end of the run).</summary>
/// <param name="Node">Node id.</param>
/// <param name="FromMs">Start of the segment, simulated ms.</param>
/// <param name="Role">"follower", "candidate", "leader" or "down".</param>
/// <param name="Term">The node's term (0 while down).</param>
public sealed record RoleSegment(int Node, long FromMs, string Role, ulong Term);

/// <summary>A fault or lifecycle mark: crash, restart, pause, partition shapes, clog, clock change, heal.</summary>
/// <param name="TimeMs">When it happened.</param>
/// <param name="Kind">Short name, e.g. "crash", "restart", "isolate", "halves", "one-way", "clog", "pause", "skew", "heal".</param>
/// <param name="Nodes">Nodes affected (empty for cluster-wide marks).</param>
/// <param name="DurationMs">How long it lasts, when known (0 otherwise).</param>
/// <param name="Detail">Free text.</param>
public sealed record FaultMark(long TimeMs, string Kind, IReadOnlyList<int> Nodes, long DurationMs, string Detail);

/// <summary>One client operation from invocation to completion.</summary>
/// <param name="Client">Client (process) number.</param>
/// <param name="StartMs">Invocation time.</param>
/// <param name="EndMs">Completion time, or null when it never completed (unknown outcome).</param>
/// <param name="Operation">Short description, e.g. "put k3=v17".</param>
/// <param name="Outcome">"ok", "fail" or "unknown".</param>
public sealed record ClientOperation(int Client, long StartMs, long? EndMs, string Operation, string Outcome);

/// <summary>A vote sent in reply to a candidate (Raft §5.2): granted or refused.</summary>
/// <param name="TimeMs">When the reply left the voter.</param>
/// <param name="Voter">The node that voted.</param>
/// <param name="Candidate">The candidate it answered.</param>
/// <param name="Term">The election's term.</param>
/// <param name="Granted">True when the vote was granted.</param>
public sealed record VoteReply(long TimeMs, int Voter, int Candidate, ulong Term, bool Granted);

/// <summary>An operation of a linearizability counterexample, with the writes it depends on.</summary>
/// <param name="Index">The operation's index in the history (<c>#n</c> in the counterexample text).</param>
/// <param name="Client">Client (process) number.</param>
/// <param name="StartMs">Invocation time.</param>
/// <param name="EndMs">Completion time, or null when the outcome is unknown.</param>
/// <param name="Operation">What it did and what it saw, e.g. "get k1 → v3 @rev 12".</param>
/// <param name="IsWrite">True for an operation that changes state (put, delete, a txn with a write).</param>
/// <param name="DependsOn">For a read: the counterexample's writes to the keys it read, by index.</param>
public sealed record CounterexampleOperation(long Index, int Client, long StartMs, long? EndMs, string Operation, bool IsWrite, IReadOnlyList<long> DependsOn);

/// <summary>Everything an HTML report draws for one run.</summary>
public sealed class Timeline
{
    /// <summary>The run's seed.</summary>
    public ulong Seed { get; init; }
    /// <summary>Cluster size.</summary>
    public int Nodes { get; init; }
    /// <summary>The command that replays the run.</summary>
    public string ReplayCommand { get; set; } = "";
    /// <summary>Simulated end of the run.</summary>
    public long EndMs { get; set; }
    /// <summary>Simulated time of the final heal (0 if none).</summary>
    public long HealMs { get; set; }
    /// <summary>Role/term segments per node in time order.</summary>
    public List<RoleSegment> Roles { get; } = new();
    /// <summary>Fault marks in time order.</summary>
    public List<FaultMark> Faults { get; } = new();
    /// <summary>Client operations in invocation order.</summary>
    public List<ClientOperation> Operations { get; } = new();
    /// <summary>Most vote replies recorded; an election storm beyond this is summarised by the role lanes alone.</summary>
    public const int VotesMax = 50_000;
    /// <summary>Vote replies in time order (Raft §5.2), at most <see cref="VotesMax"/>.</summary>
    public List<VoteReply> Votes { get; } = new();
    /// <summary>The operations of a linearizability counterexample, empty when there is none.</summary>
    public List<CounterexampleOperation> Counterexample { get; } = new();
    /// <summary>Violations as rendered strings, with the time each was found.</summary>
    public List<(long TimeMs, string Text)> Violations { get; } = new();
    /// <summary>Extra sections (title, preformatted text), e.g. a linearizability counterexample.</summary>
    public List<(string Title, string Text)> Sections { get; } = new();
}
