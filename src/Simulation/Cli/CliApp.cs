using System.CommandLine;

namespace Cairn.Simulation.Cli;

/// <summary>The <c>cairn-sim</c> command line.</summary>
public static class CliApp
{
    /// <summary>Builds the root command with every subcommand.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("cairn-sim: deterministic simulation of a Cairn Raft cluster under injected faults.\n" +
                                   "Exit codes: 0 ok, 1 a seed failed (violation or uncaught canary), 2 usage or I/O error, 3 internal error.");
        root.Subcommands.Add(RunCommand.Build());
        root.Subcommands.Add(SweepCommand.Build());
        root.Subcommands.Add(BugsCommand.Build());
        root.Subcommands.Add(BenchCommand.Build());
        root.Subcommands.Add(ReplayCommand.Build());
        root.Subcommands.Add(ShrinkCommand.Build());
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>. A usage error or an unusable file is one <c>error:</c> line on stderr
    /// and exit 2, distinct from exit 1 for a failed seed (<see cref="ExitCodes"/>).
    /// </summary>
    /// <param name="args">The command line, without the program name.</param>
    /// <returns>The process exit code.</returns>
    public static int Run(string[] args)
    {
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine($"error: {error.Message}");
            Console.Error.WriteLine($"see: cairn-sim {parse.CommandResult.Command.Name} --help");
            return ExitCodes.UsageOrIo;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.UsageOrIo;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"internal error (a bug in cairn-sim): {e}");
            return ExitCodes.InternalError;
        }
    }
}
