using Cairn.Simulation; 
var bug = args.Length > 2 ? args[2] : null;
int fails = 0;
var from = int.Parse(args[0]); var to = int.Parse(args[1]);
Parallel.For(from, to + 1, new ParallelOptions { MaxDegreeOfParallelism = 2 }, s => {
  var r = Simulator.Run(new RunOptions { Seed = (ulong)s, Bug = bug });
  if (!r.Ok) { Interlocked.Increment(ref fails); lock (args) { Console.WriteLine($"{s}: {r.Violations[0]}"); } }
});
Console.WriteLine($"fails={fails}");
