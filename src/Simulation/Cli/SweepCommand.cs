using System.CommandLine;
using System.Diagnostics;

namespace Cairn.Simulation.Cli;

/// <summary><c>sweep --seeds A..B</c>: many seeds in parallel; exit 0 only if every seed passed.</summary>
internal static class SweepCommand
{
    public static Command Build()
    {
        var common = new CommonOptions();
        var seeds = new Option<string>("--seeds") { Description = $"Inclusive seed range A..B (at most {SeedRange.SeedsMax:N0} seeds).", Required = true };
        var parallel = new Option<int>("--parallel") { Description = $"Worker threads, 1-{WorkerThreads.ParallelMax} (default: processor count).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var shard = new Option<string?>("--shard") { Description = "Run only shard i of n (i/n, 0-based): the seeds whose offset from A is i modulo n." };
        var command = new Command("sweep", "Run a range of seeds and report every failure with its replay command.") { seeds, parallel, shard };
        common.AddTo(command, json: true);
        command.SetAction(parse =>
        {
            (ulong From, ulong To) range;
            RunOptions template;
            (int Index, int Count) sharding;
            int workers;
            try
            {
                range = SeedRange.Parse(parse.GetValue(seeds)!);
                template = common.ToRunOptions(parse, range.From);
                sharding = ParseShard(parse.GetValue(shard));
                workers = WorkerThreads.Validate(parse.GetValue(parallel));
            }
            catch (ArgumentException e) { Console.Error.WriteLine($"error: {e.Message}"); return ExitCodes.UsageOrIo; }
            var json = parse.GetValue(common.Json);
            var list = new List<ulong>();
            for (var s = range.From; s <= range.To && s >= range.From; s++)
            {
                if ((s - range.From) % (ulong)sharding.Count == (ulong)sharding.Index) list.Add(s);
                if (s == ulong.MaxValue) break;
            }
            var report = Sweep.Execute(template, list, workers, new SweepProgress(list.Count));
            if (json) Console.WriteLine(JsonOutput.Write(w => WriteJson(w, report)));
            else PrintHuman(report);
            return report.Failures.Count == 0 ? ExitCodes.Ok : ExitCodes.SeedFailed;
        });
        return command;
    }

    /// <summary>Parses <c>i/n</c> with 0 ≤ i &lt; n; null means the whole range.</summary>
    internal static (int Index, int Count) ParseShard(string? text)
    {
        if (text is null) return (0, 1);
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out var i) && int.TryParse(parts[1], out var n) && n >= 1 && i >= 0 && i < n)
            return (i, n);
        throw new ArgumentException($"bad --shard '{text}': use i/n with 0 <= i < n");
    }

    private static void WriteJson(System.Text.Json.Utf8JsonWriter w, SweepReport report)
    {
        w.WriteNumber("seeds", report.Seeds);
        w.WriteNumber("passed", report.Seeds - report.Failures.Count);
        w.WriteNumber("events", report.Events);
        w.WriteNumber("wallMs", Math.Round(report.WallMs, 1));
        w.WriteNumber("snapshotsInstalled", report.SnapshotsInstalled);
        w.WriteNumber("snapshotsTaken", report.SnapshotsTaken);
        w.WriteStartObject("linearizability");
        w.WriteNumber("linearizable", report.Linearizable);
        w.WriteNumber("violation", report.NotLinearizable);
        w.WriteNumber("unknown", report.Unknown);
        w.WriteEndObject();
        w.WriteNumber("bytesSent", report.BytesSent);
        w.WriteNumber("bytesPerCommittedEntry", Math.Round(report.BytesPerCommittedEntry, 1));
        w.WriteStartArray("failures");
        foreach (var f in report.Failures)
        {
            w.WriteStartObject();
            w.WriteNumber("seed", f.Seed);
            w.WriteString("violation", f.Violations.Count > 0 ? f.Violations[0] : "");
            w.WriteString("traceHash", f.TraceHash.ToString("x16"));
            if (f.Linearizability is null) w.WriteNull("linearizability");
            else w.WriteString("linearizability", f.Linearizability);
            w.WriteString("replay", f.ReplayCommand);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void PrintHuman(SweepReport report)
    {
        foreach (var f in report.Failures)
        {
            Console.WriteLine($"FAIL seed {f.Seed}: {(f.Violations.Count > 0 ? f.Violations[0] : "")}");
            Console.WriteLine($"     replay: {f.ReplayCommand}");
        }
        Console.WriteLine($"{report.Seeds - report.Failures.Count} passed, {report.Failures.Count} failed ({report.Seeds} seeds, {report.Events:N0} events, {report.WallMs / 1000:N1}s; snapshots: {report.SnapshotsTaken:N0} taken, {report.SnapshotsInstalled:N0} installed, {report.SnapshotChunksSent:N0} chunks sent, at most {report.SnapshotChunksPerTransferMax:N0} in one transfer, {report.TransfersCompleted:N0} transfers completed, mean {report.TransferMsMean:N0} ms, longest {report.TransferMsMax:N0} ms; traffic: {report.BytesPerCommittedEntry:N0} bytes per committed entry)");
        if (report.Linearizable + report.NotLinearizable + report.Unknown > 0)
            Console.WriteLine($"linearizability: {report.Linearizable} linearizable, {report.NotLinearizable} violation, {report.Unknown} unknown");
    }
}

/// <summary>The outcome of a sweep.</summary>
internal sealed record SweepReport(int Seeds, IReadOnlyList<RunResult> Failures, long Events, double WallMs, long SnapshotsInstalled = 0, long SnapshotsTaken = 0, long SnapshotChunksSent = 0, long SnapshotChunksPerTransferMax = 0,
    long BytesSent = 0, long Committed = 0)
{
    /// <summary>Traffic over the whole sweep: every byte sent over every entry committed.</summary>
    public double BytesPerCommittedEntry => Committed == 0 ? 0 : (double)BytesSent / Committed;
    /// <summary>Seeds whose history was checked linearizable.</summary>
    public int Linearizable { get; init; }
    /// <summary>Seeds whose history was not linearizable.</summary>
    public int NotLinearizable { get; init; }
    /// <summary>Seeds whose linearizability search reached a limit.</summary>
    public int Unknown { get; init; }
    /// <summary>Snapshot transfers completed, their summed and longest simulated duration (ms).</summary>
    public long TransfersCompleted { get; init; }
    public long TransferMsTotal { get; init; }
    public long TransferMsMax { get; init; }
    /// <summary>The mean simulated duration of a completed transfer (ms).</summary>
    public double TransferMsMean => TransfersCompleted == 0 ? 0 : (double)TransferMsTotal / TransfersCompleted;
}

/// <summary>Runs seeds on worker threads. Each run is single-threaded and independent, so results do not depend on scheduling.</summary>
internal static class Sweep
{
    public static SweepReport Execute(RunOptions template, IReadOnlyList<ulong> seeds, int parallel, SweepProgress? progress)
    {
        var failures = new List<RunResult>();
        long events = 0, installed = 0, taken = 0, chunks = 0, chunksMax = 0, bytes = 0, committed = 0, transfers = 0, transferMs = 0, transferMsMax = 0;
        int linearizable = 0, violation = 0, unknown = 0;
        var wall = Stopwatch.StartNew();
        Parallel.ForEach(seeds, new ParallelOptions { MaxDegreeOfParallelism = parallel }, seed =>
        {
            var result = Simulator.Run(template with { Seed = seed });
            Interlocked.Add(ref events, result.Events);
            Interlocked.Add(ref installed, result.SnapshotsInstalled);
            Interlocked.Add(ref taken, result.SnapshotsTaken);
            if (result.Linearizability == "linearizable") Interlocked.Increment(ref linearizable);
            else if (result.Linearizability == "violation") Interlocked.Increment(ref violation);
            else if (result.Linearizability == "unknown") Interlocked.Increment(ref unknown);
            Interlocked.Add(ref chunks, result.SnapshotChunksSent);
            Interlocked.Add(ref bytes, result.BytesSent);
            Interlocked.Add(ref committed, result.Committed);
            lock (failures)
            {
                if (!result.Ok) failures.Add(result);
                chunksMax = Math.Max(chunksMax, result.SnapshotChunksPerTransferMax);
                transfers += result.SnapshotTransfersCompleted;
                transferMs += result.SnapshotTransferMsTotal;
                transferMsMax = Math.Max(transferMsMax, result.SnapshotTransferMsMax);
            }
            progress?.Completed(result.Ok);
        });
        progress?.Finish();
        return new SweepReport(seeds.Count, failures.OrderBy(f => f.Seed).ToArray(), events, wall.Elapsed.TotalMilliseconds, installed, taken, chunks, chunksMax, bytes, committed)
        {
            Linearizable = linearizable, NotLinearizable = violation, Unknown = unknown,
            TransfersCompleted = transfers, TransferMsTotal = transferMs, TransferMsMax = transferMsMax,
        };
    }
}

/// <summary>A progress line on stderr: redrawn in place on a terminal, every 10% otherwise.</summary>
internal sealed class SweepProgress(int total)
{
    private int _done;
    private int _failed;
    private readonly Stopwatch _wall = Stopwatch.StartNew();

    public void Completed(bool ok)
    {
        var done = Interlocked.Increment(ref _done);
        var failed = ok ? Volatile.Read(ref _failed) : Interlocked.Increment(ref _failed);
        var line = $"[{done}/{total}] {failed} failed, {done / Math.Max(_wall.Elapsed.TotalSeconds, 0.001):N1} seeds/s";
        if (!Console.IsErrorRedirected) lock (this) Console.Error.Write("\r" + line + "   ");
        else if (done % Math.Max(1, total / 10) == 0) lock (this) Console.Error.WriteLine(line);
    }

    public void Finish()
    {
        if (!Console.IsErrorRedirected) Console.Error.WriteLine();
    }
}
