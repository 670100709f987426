using System.Diagnostics;
using Xunit;

namespace Cairn.Host.Tests;

/// <summary>The process: etcd's flags, refusal of a foreign data dir, SIGTERM drains and keeps every write.</summary>
public sealed class ProcessTests
{
    [Theory]
    [InlineData("--no-such-flag=1", "unknown flag --no-such-flag")]
    [InlineData("--initial-cluster-state=maybe", "invalid value \"maybe\" for flag --initial-cluster-state")]
    [InlineData("--heartbeat-interval=500", "--election-timeout[1000ms] should be at least 5 times")]
    [InlineData("--listen-client-urls=ftp://x", "invalid value \"ftp://x\" for flag --listen-client-urls")]
    public void Bad_flags_exit_non_zero_with_a_clear_error(string flag, string message)
    {
        (int code, string output) = RunToExit(flag);
        Assert.NotEqual(0, code);
        Assert.Contains(message, output);
    }

    [Fact]
    public async Task A_data_dir_of_another_member_is_refused()
    {
        using var cluster = new CairnCluster(1);
        await cluster.Start();
        CairnProcess member = cluster.Members[0];
        member.Kill();
        (int code, string output) = RunToExit("--name", "other", "--data-dir", member.DataDir, "--initial-cluster", "other=http://127.0.0.1:1");
        Assert.NotEqual(0, code);
        Assert.Contains("belongs to", output);
    }

    [Fact]
    public async Task Sigterm_stops_cleanly_and_a_restart_keeps_every_write()
    {
        using var cluster = new CairnCluster(1);
        await cluster.Start();
        CairnProcess member = cluster.Members[0];
        for (int i = 0; i < 20; i++)
        {
            Etcdctl.Ok(member.Endpoint, "put", $"term/{i:D2}", "v");
        }
        Assert.True(member.Terminate(), "no clean exit after SIGTERM:\n" + member.Output);
        Assert.Equal(0, member.ExitCode);
        member.Start();
        await member.WaitHealthy();
        Assert.Equal(20, Etcdctl.Count(member.Endpoint, "term/"));
    }

    private static (int Code, string Output) RunToExit(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(CairnProcess.ServerDll);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5_000);
            return (-1, "did not exit");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
