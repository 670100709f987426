using System.Reflection;
using System.Text.Json;
using Cairn.Simulation.Cli;
using Cairn.Simulation.Faults;
using Xunit;

namespace Cairn.Simulation.Tests.Cli;

/// <summary>
/// A printed replay command reproduces its run exactly: it parses back into the same options (every property
/// of <see cref="RunOptions"/> that shapes a run, including ones added later), and re-running it gives the same trace hash.
/// </summary>
public class ReplayCommandLineTests
{
    /// <summary>Options with every run-shaping property away from its default, durations not whole seconds.</summary>
    private static RunOptions Unusual()
    {
        var options = new RunOptions
        {
            Seed = 42, Nodes = 3, DurationMs = 12_345, Faults = FaultMode.Swarm, Without = FaultKinds.Clock | FaultKinds.TornWrite,
            Bug = "quorum-off-by-one", Clients = 7, ClientThinkMs = 37, Workload = "kv", Store = "sqlite", LivenessBoundMs = 31_001, TickMs = 90,
            Muted = new[] { "Liveness", "ElectionSafety" },
        };
        foreach (var p in ReplayCommandLine.Replayed)
            if (ReplayCommandLine.SameValue(p.GetValue(options), p.GetValue(new RunOptions())))
                p.SetValue(options, Different(p));
        return options;
    }

    /// <summary>A non-default value for a property this test does not know by name (one another part added).</summary>
    private static object Different(PropertyInfo p)
    {
        var type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
        var current = p.GetValue(new RunOptions());
        if (type == typeof(bool)) return !(bool)(current ?? false);
        if (type.IsEnum) return Enum.GetValues(type).Cast<object>().First(v => !v.Equals(current));
        if (type == typeof(string)) return "x";
        var number = Convert.ToInt64(current ?? 0L) + 3;
        return Convert.ChangeType(number, type);
    }

    [Fact]
    public void EveryRunShapingOption_RoundTripsThroughThePrintedCommand()
    {
        var options = Unusual();
        var command = options.ReplayCommand();
        Assert.StartsWith("dotnet run -c Release --project src/Simulation -- run --seed 42 ", command);
        Assert.Contains("--duration 12345ms", command);

        var parsed = RunCommand.ParseOptions(ReplayCommandLine.Arguments(command));

        Assert.Equal(options.Seed, parsed.Seed);
        foreach (var p in ReplayCommandLine.Replayed)
            Assert.True(ReplayCommandLine.SameValue(p.GetValue(options), p.GetValue(parsed)),
                $"RunOptions.{p.Name}: printed {ReplayCommandLine.FormatValue(p, p.GetValue(options))}, parsed back {ReplayCommandLine.FormatValue(p, p.GetValue(parsed))}");
        Assert.Equal(command, parsed.ReplayCommand());
    }

    [Fact]
    public void DefaultOptions_RoundTrip_AndShowNodesDurationAndFaults()
    {
        var command = new RunOptions { Seed = 7 }.ReplayCommand();
        Assert.Equal("dotnet run -c Release --project src/Simulation -- run --seed 7 --nodes 5 --duration 120000ms --faults standard", command);
        Assert.Equal(command, RunCommand.ParseOptions(ReplayCommandLine.Arguments(command)).ReplayCommand());
    }

    [Theory]
    [InlineData("12345ms", 12_345)]
    [InlineData("90s", 90_000)]
    [InlineData("2m", 120_000)]
    [InlineData("7", 7_000)]
    public void Duration_AcceptsMillisecondsSecondsAndMinutes(string text, long ms) =>
        Assert.Equal(ms, CommonOptions.ParseDuration(text));

    [Fact]
    public void ReplayCommand_OfARunWithAnOddDuration_ReproducesItsTraceHashInAnotherProcess()
    {
        var (exit, stdout) = SimProcess.Run("run --seed 3 --duration 4321ms --clients 3 --faults swarm --without clock --json");
        Assert.Equal(0, exit);
        using var first = JsonDocument.Parse(stdout);
        var replay = first.RootElement.GetProperty("replay").GetString()!;
        Assert.Contains("--duration 4321ms", replay);

        var hash = SimProcess.TraceHash(string.Join(' ', new[] { "run" }.Concat(ReplayCommandLine.Arguments(replay))));

        Assert.Equal(first.RootElement.GetProperty("traceHash").GetString(), hash);
    }
}
