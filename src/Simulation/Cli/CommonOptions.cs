using System.CommandLine;
using System.Globalization;
using System.Reflection;
using Cairn.Simulation.Faults;

namespace Cairn.Simulation.Cli;

/// <summary>
/// The options that shape a run, shared by <c>run</c>, <c>sweep</c>, <c>replay</c> and <c>shrink</c>, and their parsers.
/// Besides the documented options, every other <see cref="RunOptions"/> property gets a flag of its own
/// (<see cref="ReplayCommandLine"/>), so any replay command this program prints can be parsed back.
/// </summary>
internal sealed class CommonOptions
{
    /// <summary>Largest cluster.</summary>
    public const int NodesMax = 9;
    /// <summary>Most simulated clients.</summary>
    public const int ClientsMax = 1000;
    /// <summary>Longest fault phase: 24 hours.</summary>
    public const long DurationMsMax = 86_400_000;
    /// <summary>Largest value an advanced numeric option (ticks, think time, bounds) accepts.</summary>
    public const long AdvancedValueMax = DurationMsMax;

    public Option<int> Nodes { get; } = new("--nodes") { Description = $"Cluster size (1-{NodesMax}).", DefaultValueFactory = _ => 5 };
    public Option<string> Duration { get; } = new("--duration") { Description = "Fault phase length: 120s, 12345ms or 2m.", DefaultValueFactory = _ => "120s" };
    public Option<string> Faults { get; } = new("--faults") { Description = "Fault mix: none | standard | swarm (each seed draws its own kinds and rates).", DefaultValueFactory = _ => "standard" };
    public Option<string?> Without { get; } = new("--without") { Description = "Fault kinds to leave out, comma-separated: " + string.Join(",", FaultKindNames.Singles.Select(FaultKindNames.Name)) + "." };
    public Option<string?> Bug { get; } = new("--bug") { Description = "Switch on a canary (see `bugs`)." };
    public Option<string> Workload { get; } = new("--workload") { Description = "Workload: " + string.Join(" | ", Simulator.Workloads) + ".", DefaultValueFactory = _ => "register" };
    public Option<string> Store { get; } = new("--store") { Description = "MVCC store of the kv workload: memory | sqlite.", DefaultValueFactory = _ => "memory" };
    public Option<int> Clients { get; } = new("--clients") { Description = $"Simulated clients (1-{ClientsMax}).", DefaultValueFactory = _ => 5 };
    public Option<bool> Json { get; } = new("--json") { Description = "Print exactly one JSON object on stdout." };
    public Option<bool> AcceptUnknown { get; } = new("--accept-unknown") { Description = "Let a run pass when the linearizability search gives up (verdict unknown); by default that fails it." };
    public Option<string?> Mute { get; } = new("--mute") { Description = "Invariants to ignore, comma-separated (shows which checker catches a canary next): " + string.Join(",", InvariantNames.All) + "." };

    /// <summary>Flags for the remaining run-shaping properties, by property.</summary>
    private readonly List<(PropertyInfo Property, Option<string?> Option)> _advanced = new();

    /// <summary>Adds the options to <paramref name="command"/>; <c>--json</c> only where the command prints JSON.</summary>
    public void AddTo(Command command, bool json)
    {
        var documented = new List<Option> { Nodes, Duration, Faults, Without, Bug, Workload, Store, Clients, Mute, AcceptUnknown };
        if (json) documented.Add(Json);
        foreach (var o in documented) command.Options.Add(o);
        foreach (var p in ReplayCommandLine.Replayed)
        {
            var flag = "--" + ReplayCommandLine.FlagName(p);
            if (documented.Any(o => o.Name == flag) || command.Options.Any(o => o.Name == flag)) continue;
            var option = new Option<string?>(flag) { Description = $"Advanced: RunOptions.{p.Name} (default {ReplayCommandLine.FormatValue(p, p.GetValue(new RunOptions()))}); replay commands set it." };
            _advanced.Add((p, option));
            command.Options.Add(option);
        }
    }

    /// <summary>Builds run options for one seed, throwing <see cref="ArgumentException"/> on bad input.</summary>
    public RunOptions ToRunOptions(ParseResult parse, ulong seed)
    {
        var nodes = parse.GetValue(Nodes);
        if (nodes is < 1 or > NodesMax) throw new ArgumentException($"--nodes must be between 1 and {NodesMax}");
        var clients = parse.GetValue(Clients);
        if (clients is < 1 or > ClientsMax) throw new ArgumentException($"--clients must be between 1 and {ClientsMax}");
        var bug = parse.GetValue(Bug);
        if (bug is not null) Canaries.CanaryCatalog.Find(bug);
        var workload = parse.GetValue(Workload)!;
        if (!Simulator.Workloads.Contains(workload)) throw new ArgumentException($"unknown workload '{workload}'; known: {string.Join(", ", Simulator.Workloads)}");
        var store = parse.GetValue(Store)!;
        if (!Workloads.Kv.MvccStores.Names.Contains(store)) throw new ArgumentException($"unknown store '{store}'; known: {string.Join(", ", Workloads.Kv.MvccStores.Names)}");
        var options = new RunOptions
        {
            Seed = seed, Nodes = nodes, DurationMs = ParseDuration(parse.GetValue(Duration)!), Faults = ParseFaults(parse.GetValue(Faults)!),
            Bug = bug, Workload = workload, Store = store, Clients = clients,
            Without = parse.GetValue(Without) is { } without ? FaultKindNames.Parse(without) : FaultKinds.None,
            AcceptUnknown = parse.GetValue(AcceptUnknown),
            Muted = InvariantNames.ParseList(parse.GetValue(Mute)),
        };
        foreach (var (property, option) in _advanced)
            if (parse.GetValue(option) is { } text) property.SetValue(options, ParseAdvanced(property, text));
        return options;
    }

    private static object? ParseAdvanced(PropertyInfo property, string text)
    {
        var value = ReplayCommandLine.ParseValue(property, text);
        if (value is IConvertible and not (string or bool or Enum))
        {
            var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            var least = Convert.ToDouble(property.GetValue(new RunOptions()) ?? 0, CultureInfo.InvariantCulture) > 0 ? 1 : 0;
            if (number < least || number > AdvancedValueMax)
                throw new ArgumentException($"--{ReplayCommandLine.FlagName(property)} must be between {least} and {AdvancedValueMax}");
        }
        return value;
    }

    /// <summary>Parses <c>120s</c>, <c>12345ms</c>, <c>2m</c> or a bare number of seconds.</summary>
    public static long ParseDuration(string text)
    {
        text = text.Trim().ToLowerInvariant();
        var (digits, scale) = text.EndsWith("ms") ? (text[..^2], 1L) : text.EndsWith('s') ? (text[..^1], 1000L)
            : text.EndsWith('m') ? (text[..^1], 60_000L) : (text, 1000L);
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0 || value > DurationMsMax / scale)
            throw new ArgumentException($"bad duration '{text}': use e.g. 120s, 12345ms or 2m (at most 24 hours)");
        return value * scale;
    }

    public static FaultMode ParseFaults(string text) => text.ToLowerInvariant() switch
    {
        "none" => FaultMode.None,
        "standard" => FaultMode.Standard,
        "swarm" => FaultMode.Swarm,
        _ => throw new ArgumentException($"bad --faults '{text}': use none, standard or swarm"),
    };
}
