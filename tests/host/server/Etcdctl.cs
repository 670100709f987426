using System.Diagnostics;

namespace Cairn.Host.Tests;

/// <summary>Runs Debian's etcdctl (API v3) against a cluster; every call is bounded by a timeout.</summary>
public static class Etcdctl
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string All => Stdout + Stderr;
    }

    public static Result Run(string endpoints, params string[] args) => RunWithInput(endpoints, null, TimeSpan.FromSeconds(30), args);

    public static Result RunWithInput(string endpoints, string? input, TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo("etcdctl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
        };
        info.Environment["ETCDCTL_API"] = "3";
        info.ArgumentList.Add("--endpoints=" + endpoints);
        info.ArgumentList.Add("--command-timeout=10s");
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using Process process = Process.Start(info) ?? throw new InvalidOperationException("etcdctl is not installed (apt-get install etcd-client)");
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit((int)timeout.TotalMilliseconds))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5_000);
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The number of keys in a range (etcdctl get -w json's "count").</summary>
    public static long Count(string endpoints, string prefix)
    {
        using var json = System.Text.Json.JsonDocument.Parse(Ok(endpoints, "get", prefix, "--prefix", "--keys-only", "-w", "json"));
        return json.RootElement.TryGetProperty("count", out var count) ? count.GetInt64() : 0;
    }

    /// <summary>Asserts success and returns stdout.</summary>
    public static string Ok(string endpoints, params string[] args)
    {
        Result r = Run(endpoints, args);
        Xunit.Assert.True(r.ExitCode == 0, $"etcdctl {string.Join(' ', args)} failed ({r.ExitCode}): {r.All}");
        return r.Stdout;
    }
}
