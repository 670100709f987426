using System.CommandLine;
using System.Diagnostics;
using Cairn.Simulation.Checking.Linearizability.Benchmark;
using Cairn.Simulation.Faults;

namespace Cairn.Simulation.Cli;

/// <summary>
/// <c>bench</c>: a 5-node cluster under the standard fault mix and a steady client load, on one thread.
/// Reports simulated events per wall second and simulated time over wall time, and the
/// linearizability checker's throughput on a generated 100,000-operation history.
/// </summary>
internal static class BenchCommand
{
    /// <summary>Operations in the generated history the linearizability checker is timed on.</summary>
    public const int CheckerOperations = 100_000;

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
            var checker = LinearizabilityBenchmark.Run(CheckerOperations, seed: 1);
            if (parse.GetValue(json))
                Console.WriteLine(JsonOutput.Write(w =>
                {
                    w.WriteNumber("seeds", BenchSeeds);
                    w.WriteNumber("events", events);
                    w.WriteNumber("simulatedMs", simulated);
                    w.WriteNumber("wallMs", Math.Round(wallMs, 1));
                    w.WriteNumber("eventsPerSecond", Math.Round(eventsPerSecond));
                    w.WriteNumber("simulatedToWall", Math.Round(ratio, 1));
                    w.WriteNumber("checkerOperations", checker.Operations);
                    w.WriteNumber("checkerPartitions", checker.Partitions);
                    w.WriteNumber("checkerSeconds", Math.Round(checker.Seconds, 3));
                    w.WriteString("checkerVerdict", checker.Verdict.ToString());
                    w.WriteNumber("checkerOpsPerSecond", Math.Round(checker.OpsPerSecond));
                }));
            else
            {
                Console.WriteLine($"simulator:    {BenchSeeds} seeds x 120s, 5 nodes, standard faults, 5 clients: {events:N0} events, " +
                                  $"{eventsPerSecond:N0} events/s, simulatedToWall {ratio:N0}x");
                Console.WriteLine($"linearizability checker: {checker.Operations:N0} operations in {checker.Partitions} partitions checked in " +
                                  $"{checker.Seconds:N2}s ({checker.Verdict}): checkerOpsPerSecond {checker.OpsPerSecond:N0}");
            }
            return 0;
        });
        return command;
    }
}
