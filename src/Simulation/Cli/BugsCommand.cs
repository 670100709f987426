using System.CommandLine;
using Cairn.Simulation.Canaries;
using Cairn.Simulation.Faults;

namespace Cairn.Simulation.Cli;

/// <summary><c>bugs</c>: one canary per line, name first; <c>bugs --check</c>: seeds to first detection of each.</summary>
internal static class BugsCommand
{
    /// <summary>Most seeds <c>--check</c> may try per canary.</summary>
    public const int SeedBudgetMax = 100_000;

    public static Command Build()
    {
        var check = new Option<bool>("--check") { Description = "Run swarm seeds for each canary and print the seeds to its first detection." };
        var budget = new Option<int>("--seeds-max") { Description = $"Seeds tried per canary (1-{SeedBudgetMax}).", DefaultValueFactory = _ => 500 };
        var parallel = new Option<int>("--parallel") { Description = $"Worker threads, 1-{WorkerThreads.ParallelMax}.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("bugs", "List the planted bugs (canaries) that --bug can switch on.") { check, budget, parallel };
        command.SetAction(parse =>
        {
            var width = CanaryCatalog.All.Max(c => c.Name.Length);
            if (!parse.GetValue(check))
            {
                foreach (var c in CanaryCatalog.All) Console.WriteLine($"{c.Name.PadRight(width)}  {c.Description}");
                return 0;
            }
            int seedsMax, workers;
            try
            {
                seedsMax = parse.GetValue(budget) is var b and >= 1 and <= SeedBudgetMax ? b : throw new ArgumentException($"--seeds-max must be between 1 and {SeedBudgetMax}");
                workers = WorkerThreads.Validate(parse.GetValue(parallel));
            }
            catch (ArgumentException e) { Console.Error.WriteLine($"error: {e.Message}"); return ExitCodes.UsageOrIo; }
            Console.WriteLine($"{"canary".PadRight(width)}  {"workload",-8}  {"seeds to detection",18}  invariant");
            var missed = 0;
            foreach (var c in CanaryCatalog.All)
            {
                var (seed, invariant) = FirstDetection(c, seedsMax, workers);
                if (seed is null) missed++;
                Console.WriteLine($"{c.Name.PadRight(width)}  {c.Workload,-8}  {(seed is null ? "NOT CAUGHT" : seed.ToString()),18}  {invariant}");
            }
            return missed == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>Runs swarm seeds 1.. in parallel batches and returns the smallest failing seed and its invariant.</summary>
    internal static (ulong? Seed, string Invariant) FirstDetection(Canary canary, int budget, int parallel)
    {
        var batch = parallel * 2;
        for (var start = 1; start <= budget; start += batch)
        {
            var found = new List<RunResult>();
            Parallel.For(start, Math.Min(start + batch, budget + 1), new ParallelOptions { MaxDegreeOfParallelism = parallel }, seed =>
            {
                var r = Simulator.Run(new RunOptions { Seed = (ulong)seed, Faults = FaultMode.Swarm, Bug = canary.Name, Workload = canary.Workload, Store = canary.Store });
                if (!r.Ok) lock (found) found.Add(r);
            });
            if (found.Count > 0)
            {
                var first = found.OrderBy(r => r.Seed).First();
                return (first.Seed, first.FirstInvariant ?? "");
            }
        }
        return (null, "");
    }
}
