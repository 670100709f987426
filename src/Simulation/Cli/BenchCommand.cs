using System.CommandLine;
using System.Diagnostics;
using Cairn.Simulation.Faults;

namespace Cairn.Simulation.Cli;

/// <summary>
/// <c>bench</c>: a 5-node cluster under the standard fault mix and a steady client load, on one thread.
/// Reports simulated events per wall second and simulated time over wall time.
/// </summary>
internal static class BenchCommand
{
    /// <summary>Seeds measured after the warm-up.</summary>
    public const int BenchSeeds = 8;

    public static Command Build()
    {
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object on stdout." };
        var command = new Command("bench", "Measure simulator speed (one core).") { json };
        command.SetAction(parse =>
        {
            var template = new RunOptions { Nodes = 5, Faults = FaultMode.Standard, DurationMs = 120_000, Clients = 5, ClientThinkMs = 100 };
            Simulator.Run(template with { Seed = 1_000_000 }); // warm up the JIT
            long events = 0, simulated = 0;
            var wall = Stopwatch.StartNew();
            for (var i = 0; i < BenchSeeds; i++)
            {
                var r = Simulator.Run(template with { Seed = (ulong)(1000 + i) });
                events += r.Events;
                simulated += r.SimulatedMs;
            }
            var wallMs = wall.Elapsed.TotalMilliseconds;
            var eventsPerSecond = events / (wallMs / 1000);
            var ratio = simulated / wallMs;
            if (parse.GetValue(json))
                Console.WriteLine(JsonOutput.Write(w =>
                {
                    w.WriteNumber("seeds", BenchSeeds);
                    w.WriteNumber("events", events);
                    w.WriteNumber("simulatedMs", simulated);
                    w.WriteNumber("wallMs", Math.Round(wallMs, 1));
                    w.WriteNumber("eventsPerSecond", Math.Round(eventsPerSecond));
                    w.WriteNumber("simulatedToWall", Math.Round(ratio, 1));
                }));
            else
                Console.WriteLine($"{BenchSeeds} seeds x 120s, 5 nodes, standard faults, 5 clients: {events:N0} events, " +
                                  $"{eventsPerSecond:N0} events/s, simulatedToWall {ratio:N0}x");
            return 0;
        });
        return command;
    }
}
