using Cairn.Simulation.Faults;

namespace Cairn.Simulation.Cli;

/// <summary>
/// Searches for a smaller run that still fails with the same invariant: fewer nodes, fewer clients,
/// fewer fault kinds, a shorter fault phase. Greedy and bounded: each accepted step keeps the failure.
/// </summary>
internal static class Shrinker
{
    /// <summary>Most candidate runs one shrink may try.</summary>
    public const int AttemptsMax = 120;

    public sealed record Outcome(RunOptions Smallest, RunResult Result, int Attempts, IReadOnlyList<string> Steps);

    public static Outcome Shrink(RunOptions options, RunResult failing, Action<string>? progress = null)
    {
        var invariant = failing.FirstInvariant!;
        var best = options;
        var bestResult = failing;
        var attempts = 0;
        var steps = new List<string>();
        bool Try(RunOptions candidate, string what)
        {
            if (attempts >= AttemptsMax) return false;
            attempts++;
            var r = Simulator.Run(candidate);
            if (r.Ok || r.FirstInvariant != invariant) return false;
            best = candidate;
            bestResult = r;
            steps.Add(what);
            progress?.Invoke($"  kept: {what}");
            return true;
        }
        var improved = true;
        while (improved && attempts < AttemptsMax)
        {
            improved = false;
            for (var n = 1; n < best.Nodes; n += 2)
                if (Try(best with { Nodes = n }, $"{n} nodes")) { improved = true; break; }
            for (var c = 1; c < best.Clients; c = Math.Max(c + 1, c * 2))
                if (Try(best with { Clients = c }, $"{c} clients")) { improved = true; break; }
            foreach (var kind in FaultKindNames.Singles)
            {
                if ((best.Without & kind) != 0) continue;
                if (Try(best with { Without = best.Without | kind }, $"without {FaultKindNames.Name(kind)}")) improved = true;
            }
            improved |= ShrinkDuration(ref best, Try);
        }
        return new Outcome(best, bestResult, attempts, steps);
    }

    /// <summary>Halves the fault phase while the failure stays, down to one second (whole seconds keep the printed command short).</summary>
    private static bool ShrinkDuration(ref RunOptions best, Func<RunOptions, string, bool> attempt)
    {
        var improved = false;
        var seconds = best.DurationMs / 1000;
        foreach (var fraction in new[] { 8, 4, 2 })
        {
            var shorter = Math.Max(1, seconds / fraction);
            if (shorter >= seconds) continue;
            var candidate = best with { DurationMs = shorter * 1000 };
            if (!attempt(candidate, $"{shorter}s fault phase")) continue;
            best = candidate;
            seconds = shorter;
            improved = true;
        }
        var step = Math.Max(1, seconds / 4);
        while (seconds - step >= 1 && attempt(best with { DurationMs = (seconds - step) * 1000 }, $"{seconds - step}s fault phase"))
        {
            seconds -= step;
            best = best with { DurationMs = seconds * 1000 };
            improved = true;
        }
        return improved;
    }
}
