using Cairn.Bench.Storage;

// Storage benchmarks (not part of the test suite): dotnet run -c Release --project bench/Storage -- [all|log|mvcc|watch] [--keys N] [--value-bytes B] [--seconds S] [--watchers N]
var what = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
var keys = Option(args, "--keys", 1_000_000);
var seconds = Option(args, "--seconds", 5);
var dir = Path.Combine(Path.GetTempPath(), $"cairn-bench-{Environment.ProcessId}");
Directory.CreateDirectory(dir);
try
{
    if (what is "all" or "log")
    {
        LogDiskBench.Run(dir, inFlight: 1, TimeSpan.FromSeconds(seconds));
        LogDiskBench.Run(dir, inFlight: 1_000, TimeSpan.FromSeconds(seconds));
    }
    if (what is "all" or "mvcc") MvccBench.Run(dir, keys, Option(args, "--value-bytes", 100));
    if (what is "all" or "watch") WatchBench.Run(Option(args, "--watchers", 10_000));
}
finally
{
    Directory.Delete(dir, recursive: true);
}
return 0;

static int Option(string[] args, string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
