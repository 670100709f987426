using System.CommandLine;

namespace Cairn.Simulation.Cli;

/// <summary>The <c>cairn-sim</c> command line.</summary>
public static class CliApp
{
    /// <summary>Builds the root command with every subcommand.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("cairn-sim: deterministic simulation of a Cairn Raft cluster under injected faults.");
        root.Subcommands.Add(RunCommand.Build());
        root.Subcommands.Add(SweepCommand.Build());
        root.Subcommands.Add(BugsCommand.Build());
        root.Subcommands.Add(BenchCommand.Build());
        root.Subcommands.Add(ReplayCommand.Build());
        root.Subcommands.Add(ShrinkCommand.Build());
        return root;
    }
}
