using System.CommandLine;

namespace Cairn.Simulation.Cli;

/// <summary><c>run --seed N</c>: one seed; exit 0 only without violations.</summary>
internal static class RunCommand
{
    public static Command Build()
    {
        var common = new CommonOptions();
        var seed = new Option<ulong>("--seed") { Description = "The root seed.", Required = true };
        var trace = new Option<string?>("--trace") { Description = "Write the event trace to this file." };
        var history = new Option<string?>("--history") { Description = "Write the client history (JSON lines, docs/history-format.md) to this file; kv workload." };
        var report = new Option<string?>("--report") { Description = "Write a self-contained HTML timeline of the run to this file." };
        var command = new Command("run", "Run one seed and check every invariant.") { seed, trace, history, report };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            RunOptions options;
            try { options = common.ToRunOptions(parse, parse.GetValue(seed)); }
            catch (ArgumentException e) { Console.Error.WriteLine($"error: {e.Message}"); return 2; }
            var tracePath = parse.GetValue(trace);
            using var traceWriter = tracePath is null ? null : new StreamWriter(tracePath);
            var reportPath = parse.GetValue(report);
            var result = Simulator.Run(options with { Trace = traceWriter, HistoryPath = parse.GetValue(history), RecordTimeline = reportPath is not null });
            if (reportPath is not null && result.Timeline is not null) File.WriteAllText(reportPath, Reporting.HtmlReport.Render(result.Timeline));
            if (parse.GetValue(common.Json)) Console.WriteLine(JsonOutput.Write(w => JsonOutput.WriteRun(w, result)));
            else PrintHuman(result);
            return result.Ok ? 0 : 1;
        });
        return command;
    }

    private static void PrintHuman(RunResult r)
    {
        Console.WriteLine($"seed {r.Seed}: {(r.Ok ? "ok" : "FAILED")}");
        Console.WriteLine($"  trace hash   {r.TraceHash:x16}");
        Console.WriteLine($"  events       {r.Events:N0} in {r.SimulatedMs:N0} simulated ms ({r.WallMs:N0} wall ms, {r.SimulatedMs / Math.Max(r.WallMs, 0.001):N0}x real time)");
        Console.WriteLine($"  committed    {r.Committed:N0} entries; {r.Acknowledged:N0} client operations acknowledged");
        Console.WriteLine($"  faults       {r.FaultActions} nemesis actions; {r.LeadersElected} leaders elected");
        Console.WriteLine($"  snapshots    {r.SnapshotsTaken} taken, {r.SnapshotsInstalled} installed from a leader");
        Console.WriteLine($"  seams        {r.SeamModes}");
        Console.WriteLine($"  traffic      {r.BytesSent:N0} bytes sent; {r.BytesPerCommittedEntry:N0} bytes per committed entry");
        foreach (var v in r.Violations) Console.WriteLine($"  VIOLATION    {v}");
        if (!r.Ok) Console.WriteLine($"  replay with  {r.ReplayCommand}");
    }
}
