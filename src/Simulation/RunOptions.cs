using Cairn.Simulation.Faults;

namespace Cairn.Simulation;

/// <summary>Everything that defines one simulation run. The same options give the same trace hash.</summary>
public sealed record RunOptions
{
    /// <summary>The root seed; every random choice in the run derives from it.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Cluster size.</summary>
    public int Nodes { get; init; } = 5;
    /// <summary>Length of the fault phase in simulated ms; the heal and liveness phase follow.</summary>
    public long DurationMs { get; init; } = 120_000;
    /// <summary>The fault mix.</summary>
    public FaultMode Faults { get; init; } = FaultMode.Standard;
    /// <summary>Fault kinds removed from the mode's mix (used by shrinking, or to study one fault alone).</summary>
    public FaultKinds Without { get; init; }
    /// <summary>A canary to switch on, by name (see <c>cairn-sim bugs</c>), or null.</summary>
    public string? Bug { get; init; }
    /// <summary>Simulated clients.</summary>
    public int Clients { get; init; } = 5;
    /// <summary>Mean think time between a client's operations, in ms.</summary>
    public int ClientThinkMs { get; init; } = 100;
    /// <summary>The workload name.</summary>
    public string Workload { get; init; } = "register";

    /// <summary>The KV workload's MVCC store: <c>memory</c> or <c>sqlite</c> (see <c>MvccStores</c>).</summary>
    public string Store { get; init; } = "memory";
    /// <summary>Upper cap on the liveness bound after the heal, in ms; the bound itself is derived at the heal
    /// from election timeouts and the amount left to replicate (docs/simulation.md).</summary>
    public long LivenessBoundMs { get; init; } = 30_000;
    /// <summary>Local tick interval of every node, in ms.</summary>
    public int TickMs { get; init; } = 100;
    /// <summary>Where to write the client history as JSON lines (docs/history-format.md), or null.
    /// Only workloads that record one (<c>kv</c>) write it.</summary>
    public string? HistoryPath { get; init; }
    /// <summary>Invariants whose violations are ignored, so a canary can show that the next checker in line
    /// also catches it (every checker must be able to fail on its own). Empty in normal runs.</summary>
    public IReadOnlyList<string> Muted { get; init; } = Array.Empty<string>();
    /// <summary>Accept an <c>unknown</c> linearizability verdict (a search limit reached) instead of failing
    /// the run with <c>LinearizabilityUnknown</c>.</summary>
    public bool AcceptUnknown { get; init; }
    /// <summary>Record a <see cref="Reporting.Timeline"/> for an HTML report.</summary>
    public bool RecordTimeline { get; init; }
    /// <summary>Where to write the event trace, or null.</summary>
    public TextWriter? Trace { get; init; }

    /// <summary>The command line that replays this run exactly (same trace hash); see <c>Cli/ReplayCommandLine.cs</c>.</summary>
    public string ReplayCommand() => Cli.ReplayCommandLine.Format(this);
}
