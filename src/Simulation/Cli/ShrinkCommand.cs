using System.CommandLine;

namespace Cairn.Simulation.Cli;

/// <summary><c>shrink --seed N</c>: finds a smaller failing run and prints the command that reproduces it.</summary>
internal static class ShrinkCommand
{
    public static Command Build()
    {
        var common = new CommonOptions();
        var seed = new Option<ulong>("--seed") { Description = "The failing seed.", Required = true };
        var command = new Command("shrink", "Search for a smaller run (fewer nodes, clients, fault kinds, shorter) that still fails the same way.") { seed };
        common.AddTo(command, json: false);
        command.SetAction(parse =>
        {
            RunOptions options;
            try { options = common.ToRunOptions(parse, parse.GetValue(seed)); }
            catch (ArgumentException e) { Console.Error.WriteLine($"error: {e.Message}"); return ExitCodes.UsageOrIo; }
            var original = Simulator.Run(options);
            if (original.Ok)
            {
                Console.WriteLine($"seed {options.Seed} passes: nothing to shrink ({options.ReplayCommand()})");
                return 1;
            }
            Console.WriteLine($"original: {original.Violations[0]}");
            Console.WriteLine($"          {original.ReplayCommand}");
            var outcome = Shrinker.Shrink(options, original, line => Console.Error.WriteLine(line));
            Console.WriteLine($"smallest after {outcome.Attempts} attempts ({outcome.Steps.Count} reductions kept): {outcome.Result.Violations[0]}");
            Console.WriteLine($"reproduce with: {outcome.Smallest.ReplayCommand()}");
            return 0;
        });
        return command;
    }
}
