using System.CommandLine;

namespace Cairn.Simulation.Cli;

/// <summary><c>replay --seed N</c>: reruns a seed and prints its trace with elections, votes and role changes, then the outcome.</summary>
internal static class ReplayCommand
{
    public static Command Build()
    {
        var common = new CommonOptions();
        var seed = new Option<ulong>("--seed") { Description = "The seed to replay.", Required = true };
        var command = new Command("replay", "Rerun one seed and print the full trace: faults, starts, crashes, elections, votes and role changes.") { seed };
        common.AddTo(command, json: false);
        command.SetAction(parse =>
        {
            RunOptions options;
            try { options = common.ToRunOptions(parse, parse.GetValue(seed)); }
            catch (ArgumentException e) { Console.Error.WriteLine($"error: {e.Message}"); return ExitCodes.UsageOrIo; }
            Console.WriteLine($"# {options.ReplayCommand()}");
            Console.WriteLine("#     time kind       node detail");
            using var trace = new StringWriter();
            var result = Simulator.Run(options with { Trace = trace, RecordTimeline = true });
            ReplayTranscript.Write(Console.Out, trace.ToString(), result.Timeline!);
            Console.WriteLine($"# {(result.Ok ? "ok" : "FAILED")}: trace hash {result.TraceHash:x16}, {result.Events:N0} events, {result.SimulatedMs:N0} simulated ms, {result.LeadersElected} leaders elected");
            foreach (var v in result.Violations) Console.WriteLine($"# VIOLATION {v}");
            return result.Ok ? ExitCodes.Ok : ExitCodes.SeedFailed;
        });
        return command;
    }
}
