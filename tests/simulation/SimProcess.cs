using System.Diagnostics;
using System.Text.Json;

namespace Cairn.Simulation.Tests;

/// <summary>Runs cairn-sim in a separate process, as a user (or the determinism check) would.</summary>
internal static class SimProcess
{
    public static (int Exit, string Stdout) Run(string args)
    {
        var (exit, stdout, _) = RunWithStderr(args);
        return (exit, stdout);
    }

    /// <summary>Runs cairn-sim and returns its exit code, stdout and stderr.</summary>
    public static (int Exit, string Stdout, string Stderr) RunWithStderr(string args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "cairn-sim.dll");
        var psi = new ProcessStartInfo("dotnet", $"\"{dll}\" {args}") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }

    /// <summary>The trace hash that <c>run … --json</c> prints.</summary>
    public static string TraceHash(string runArgs)
    {
        using var doc = JsonDocument.Parse(Run(runArgs + " --json").Stdout);
        return doc.RootElement.GetProperty("traceHash").GetString()!;
    }
}
