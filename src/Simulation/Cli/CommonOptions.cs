using System.CommandLine;
using System.Globalization;
using Cairn.Simulation.Faults;

namespace Cairn.Simulation.Cli;

/// <summary>Options shared by <c>run</c>, <c>sweep</c> and <c>bench</c>, and their parsers.</summary>
internal sealed class CommonOptions
{
    public Option<int> Nodes { get; } = new("--nodes") { Description = "Cluster size (1-9).", DefaultValueFactory = _ => 5 };
    public Option<string> Duration { get; } = new("--duration") { Description = "Fault phase length: 120s, 90000ms or 2m.", DefaultValueFactory = _ => "120s" };
    public Option<string> Faults { get; } = new("--faults") { Description = "Fault mix: none | standard | swarm (each seed draws its own kinds and rates).", DefaultValueFactory = _ => "standard" };
    public Option<string?> Without { get; } = new("--without") { Description = "Fault kinds to leave out, comma-separated: " + string.Join(",", FaultKindNames.Singles.Select(FaultKindNames.Name)) + "." };
    public Option<string?> Bug { get; } = new("--bug") { Description = "Switch on a canary (see `bugs`)." };
    public Option<string> Workload { get; } = new("--workload") { Description = "Workload: " + string.Join(" | ", Simulator.Workloads) + ".", DefaultValueFactory = _ => "register" };
    public Option<int> Clients { get; } = new("--clients") { Description = "Simulated clients.", DefaultValueFactory = _ => 5 };
    public Option<bool> Json { get; } = new("--json") { Description = "Print exactly one JSON object on stdout." };
    public Option<string?> Mute { get; } = new("--mute") { Description = "Invariants to ignore, comma-separated: shows which checker catches a canary next." };

    public Option<World.DiskCompletion?> DiskCompletion { get; } = new("--disk-completion") { Description = "Disk completion mode: Scheduled | InsideSubmit | Cumulative (default: drawn from the seed)." };
    public Option<World.NetworkDelivery?> NetworkDelivery { get; } = new("--network-delivery") { Description = "Network delivery mode: Scheduled | Synchronous (default: drawn from the seed)." };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Nodes, Duration, Faults, Without, Bug, Workload, Clients, DiskCompletion, NetworkDelivery, Json, Mute }) command.Options.Add(o);
    }

    /// <summary>Builds run options for one seed, throwing <see cref="ArgumentException"/> on bad input.</summary>
    public RunOptions ToRunOptions(ParseResult parse, ulong seed)
    {
        var nodes = parse.GetValue(Nodes);
        if (nodes is < 1 or > 9) throw new ArgumentException("--nodes must be between 1 and 9");
        var clients = parse.GetValue(Clients);
        if (clients is < 1 or > 1000) throw new ArgumentException("--clients must be between 1 and 1000");
        var bug = parse.GetValue(Bug);
        if (bug is not null) Canaries.CanaryCatalog.Find(bug);
        var workload = parse.GetValue(Workload)!;
        if (!Simulator.Workloads.Contains(workload)) throw new ArgumentException($"unknown workload '{workload}'");
        return new RunOptions
        {
            Seed = seed, Nodes = nodes, DurationMs = ParseDuration(parse.GetValue(Duration)!), Faults = ParseFaults(parse.GetValue(Faults)!),
            Bug = bug, Workload = workload, Clients = clients,
            DiskCompletion = parse.GetValue(DiskCompletion), NetworkDelivery = parse.GetValue(NetworkDelivery),
            Without = parse.GetValue(Without) is { } without ? FaultKindNames.Parse(without) : FaultKinds.None,
            Muted = parse.GetValue(Mute)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? Array.Empty<string>(),
        };
    }

    public static long ParseDuration(string text)
    {
        text = text.Trim().ToLowerInvariant();
        var (digits, scale) = text.EndsWith("ms") ? (text[..^2], 1L) : text.EndsWith('s') ? (text[..^1], 1000L)
            : text.EndsWith('m') ? (text[..^1], 60_000L) : (text, 1000L);
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0 || value > 86_400_000 / scale)
            throw new ArgumentException($"bad duration '{text}': use e.g. 120s, 90000ms or 2m (at most 24 hours)");
        return value * scale;
    }

    public static FaultMode ParseFaults(string text) => text.ToLowerInvariant() switch
    {
        "none" => FaultMode.None,
        "standard" => FaultMode.Standard,
        "swarm" => FaultMode.Swarm,
        _ => throw new ArgumentException($"bad --faults '{text}': use none, standard or swarm"),
    };

    /// <summary>Parses <c>A..B</c> (inclusive) or a single seed.</summary>
    public static (ulong From, ulong To) ParseSeedRange(string text)
    {
        var parts = text.Split("..");
        if (parts.Length is 1 or 2
            && ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
            && ulong.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var to)
            && from <= to)
            return (from, to);
        throw new ArgumentException($"bad seed range '{text}': use A..B with A <= B");
    }
}
