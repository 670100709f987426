using Cairn.Simulation;

namespace Cairn.Simulation.Tests;

/// <summary>Formats a failing run so the test output carries the seed and the exact replay command.</summary>
internal static class SimulationFailure
{
    public static string Describe(RunResult r) =>
        $"seed {r.Seed} failed: {string.Join("; ", r.Violations)}\n  replay: {r.ReplayCommand}";
}
