using System.CommandLine;

namespace Cairn.Simulation.Cli;

/// <summary><c>run --seed N</c>: one seed; exit 0 only without violations.</summary>
internal static class RunCommand
{
    private sealed record Parts(Command Command, CommonOptions Common, Option<ulong> Seed, Option<string?> Trace, Option<string?> History, Option<string?> Report);

    private static Parts Create()
    {
        var common = new CommonOptions();
        var seed = new Option<ulong>("--seed") { Description = "The root seed.", Required = true };
        var trace = new Option<string?>("--trace") { Description = "Write the event trace to this file." };
        var history = new Option<string?>("--history") { Description = "Write the client history (JSON lines, docs/history-format.md) to this file; only workloads that record one (kv)." };
        var report = new Option<string?>("--report") { Description = "Write a self-contained HTML timeline of the run to this file." };
        var command = new Command("run", "Run one seed and check every invariant.") { seed, trace, history, report };
        common.AddTo(command, json: true);
        return new Parts(command, common, seed, trace, history, report);
    }

    public static Command Build()
    {
        var parts = Create();
        parts.Command.SetAction(parse => Execute(parts, parse));
        return parts.Command;
    }

    /// <summary>Parses the arguments of <c>run</c> (a replay command's tail) into the options they describe.</summary>
    internal static RunOptions ParseOptions(IReadOnlyList<string> args)
    {
        var parts = Create();
        var parse = parts.Command.Parse(args);
        if (parse.Errors.Count > 0) throw new ArgumentException(parse.Errors[0].Message);
        return parts.Common.ToRunOptions(parse, parse.GetValue(parts.Seed));
    }

    private static int Execute(Parts parts, ParseResult parse)
    {
        RunOptions options;
        try
        {
            options = parts.Common.ToRunOptions(parse, parse.GetValue(parts.Seed));
            var historyPath = parse.GetValue(parts.History);
            if (historyPath is not null && !Simulator.RecordsHistory(options.Workload))
                throw new ArgumentException($"--history: workload '{options.Workload}' records no client history; use --workload kv");
            options = options with { HistoryPath = historyPath };
        }
        catch (ArgumentException e) { Console.Error.WriteLine($"error: {e.Message}"); return ExitCodes.UsageOrIo; }
        var tracePath = parse.GetValue(parts.Trace);
        var reportPath = parse.GetValue(parts.Report);
        try
        {
            OutputPath.Check(tracePath, "--trace");
            OutputPath.Check(options.HistoryPath, "--history");
            OutputPath.Check(reportPath, "--report");
        }
        catch (IOException e) { Console.Error.WriteLine($"error: {e.Message}"); return ExitCodes.UsageOrIo; }
        RunResult result;
        using (var traceWriter = tracePath is null ? null : new StreamWriter(tracePath))
            result = Simulator.Run(options with { Trace = traceWriter, RecordTimeline = reportPath is not null });
        if (reportPath is not null && result.Timeline is not null) File.WriteAllText(reportPath, Reporting.HtmlReport.Render(result.Timeline));
        if (parse.GetValue(parts.Common.Json)) Console.WriteLine(JsonOutput.Write(w => JsonOutput.WriteRun(w, result)));
        else PrintHuman(result);
        return result.Ok ? ExitCodes.Ok : ExitCodes.SeedFailed;
    }

    private static void PrintHuman(RunResult r)
    {
        Console.WriteLine($"seed {r.Seed}: {(r.Ok ? "ok" : "FAILED")}");
        Console.WriteLine($"  trace hash   {r.TraceHash:x16}");
        Console.WriteLine($"  events       {r.Events:N0} in {r.SimulatedMs:N0} simulated ms ({r.WallMs:N0} wall ms, {r.SimulatedMs / Math.Max(r.WallMs, 0.001):N0}x real time)");
        Console.WriteLine($"  committed    {r.Committed:N0} entries; {r.Acknowledged:N0} client operations acknowledged");
        Console.WriteLine($"  faults       {r.FaultActions} nemesis actions; {r.LeadersElected} leaders elected");
        Console.WriteLine($"  snapshots    {r.SnapshotsTaken} taken, {r.SnapshotsProduced} produced from a store, {r.SnapshotsInstalled} installed from a leader; {r.SnapshotChunksSent} chunks sent ({r.SnapshotTransfersStarted} of them first chunks, resends included), at most {r.SnapshotChunksPerTransferMax} in one completed transfer; {r.SnapshotTransfersCompleted} transfers completed in {r.SnapshotTransferMsTotal} ms, the longest {r.SnapshotTransferMsMax} ms");
        if (r.Linearizability is not null) Console.WriteLine($"  history      {r.Linearizability}");
        if (r.Limits.Length > 0) Console.WriteLine($"  limits       {r.Limits} (drawn from the seed)");
        if (r.Coverage.Length > 0) Console.WriteLine($"  coverage     {r.Coverage}");
        Console.WriteLine($"  seams        {r.SeamModes}");
        Console.WriteLine($"  traffic      {r.BytesSent:N0} bytes sent; {r.BytesPerCommittedEntry:N0} bytes per committed entry");
        foreach (var v in r.Violations) Console.WriteLine($"  VIOLATION    {v}");
        if (!r.Ok) Console.WriteLine($"  replay with  {r.ReplayCommand}");
    }
}
