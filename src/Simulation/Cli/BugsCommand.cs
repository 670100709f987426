using System.CommandLine;
using Cairn.Simulation.Canaries;

namespace Cairn.Simulation.Cli;

/// <summary><c>bugs</c>: one canary per line, name first.</summary>
internal static class BugsCommand
{
    public static Command Build()
    {
        var command = new Command("bugs", "List the planted bugs (canaries) that --bug can switch on.");
        command.SetAction(_ =>
        {
            var width = CanaryCatalog.All.Max(c => c.Name.Length);
            foreach (var c in CanaryCatalog.All) Console.WriteLine($"{c.Name.PadRight(width)}  {c.Description}");
            return 0;
        });
        return command;
    }
}
