using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Xunit;

namespace Cairn.Host.Tests;

/// <summary>Behaviours found by comparing etcdctl 3.4 and python-etcd3's upstream tests against etcd 3.4.23 itself.</summary>
public sealed class EtcdCompatTests(SingleMemberFixture server) : IClassFixture<SingleMemberFixture>
{
    private string E => server.Endpoint;

    private static long Revision(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("header").GetProperty("revision").GetInt64();
    }

    /// <summary>etcd keeps the compact revision readable: watch --rev=compact gets its events (only older starts are
    /// canceled), and history arrives in one response (etcd's syncWatchers) whose header has the current revision.</summary>
    [Fact]
    public void Watch_from_the_compact_revision_gets_history_in_one_response()
    {
        long first = Revision(Etcdctl.Ok(E, "put", "wc/k", "1", "-w", "json"));
        Etcdctl.Ok(E, "put", "wc/k", "2");
        long last = Revision(Etcdctl.Ok(E, "put", "wc/k", "3", "-w", "json"));
        Etcdctl.Ok(E, "compaction", first.ToString(CultureInfo.InvariantCulture));
        Etcdctl.Result watch = Etcdctl.RunWithInput(E, null, TimeSpan.FromSeconds(4), "watch", "wc/k", "--rev=" + first, "-w", "json");
        string line = watch.Stdout.Split('\n').First(l => l.Contains("\"Events\"", StringComparison.Ordinal));
        using JsonDocument doc = JsonDocument.Parse(line);
        JsonElement events = doc.RootElement.GetProperty("Events");
        Assert.Equal(3, events.GetArrayLength());
        Assert.Equal(first, events[0].GetProperty("kv").GetProperty("mod_revision").GetInt64());
        Assert.True(doc.RootElement.GetProperty("Header").GetProperty("revision").GetInt64() >= last);
        Etcdctl.Result old = Etcdctl.RunWithInput(E, null, TimeSpan.FromSeconds(4), "watch", "wc/k", "--rev=" + (first - 1));
        Assert.Contains("required revision has been compacted", old.All);
    }

    /// <summary>etcd's ClusterServer header has no revision; HashKV's compact_revision is -1 before any compaction.</summary>
    [Fact]
    public void Member_list_header_has_no_revision_and_hashkv_reports_the_compact_revision()
    {
        using (JsonDocument members = JsonDocument.Parse(Etcdctl.Ok(E, "member", "list", "-w", "json")))
        {
            JsonElement header = members.RootElement.GetProperty("header");
            Assert.False(header.TryGetProperty("revision", out _), header.ToString());
            Assert.True(header.TryGetProperty("member_id", out _));
        }
        // This class's other test compacts; either nothing was compacted yet (-1) or exactly what it compacted.
        long Compacted()
        {
            using JsonDocument hash = JsonDocument.Parse(Etcdctl.Ok(E, "endpoint", "hashkv", "-w", "json"));
            return hash.RootElement[0].GetProperty("HashKV").GetProperty("compact_revision").GetInt64();
        }
        long before = Compacted();
        Assert.True(before == -1 || before > 0, before.ToString(CultureInfo.InvariantCulture));
        long rev = Revision(Etcdctl.Ok(E, "put", "hk/k", "1", "-w", "json"));
        Etcdctl.Ok(E, "compaction", rev.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(rev, Compacted());
        // etcd refuses HashKV at the compact revision itself (Range there still works)
        Assert.Contains("required revision has been compacted", Etcdctl.Run(E, "endpoint", "hashkv", "--rev=" + rev).All);
    }

    /// <summary>etcd's HashKV hashes its backend: CRC-32C of "key" then each revision key and mvccpb.KeyValue; a
    /// store whose history is all compacted away (as after this) hashes "key" alone, as an empty etcd (not 0).</summary>
    [Fact]
    public void Hashkv_of_revision_1_is_etcds_empty_hash()
    {
        Etcdctl.Result r = Etcdctl.Run(E, "endpoint", "hashkv", "--rev=1", "-w", "json");
        if (r.All.Contains("compacted", StringComparison.Ordinal)) return; // the class's other tests compacted first
        using JsonDocument hash = JsonDocument.Parse(r.Stdout);
        Assert.Equal(1084519789u, hash.RootElement[0].GetProperty("HashKV").GetProperty("hash").GetUInt32());
    }

    /// <summary>etcd's raftAppliedIndex counts every applied entry, the leader's empty one included: a quiet member
    /// reports it equal to raftIndex (cairn reported 0 until the first KV command).</summary>
    [Fact]
    public void Status_raft_applied_index_matches_the_raft_index_when_quiet()
    {
        (long Index, long Applied) Status()
        {
            using JsonDocument status = JsonDocument.Parse(Etcdctl.Ok(E, "endpoint", "status", "-w", "json"));
            JsonElement s = status.RootElement[0].GetProperty("Status");
            return (s.GetProperty("raftIndex").GetInt64(), s.TryGetProperty("raftAppliedIndex", out JsonElement a) ? a.GetInt64() : 0);
        }
        (long index, long applied) = Status();
        for (int attempt = 0; attempt < 5 && applied != index; attempt++)
        {
            (index, applied) = Status();
        }
        Assert.True(index > 0 && applied == index, $"raftIndex {index}, raftAppliedIndex {applied}");
    }

    /// <summary>With no auth store (as etcd with auth never enabled) user and role reads answer etcd's: empty lists,
    /// "user name not found", "role name not found" (they answered Unimplemented).</summary>
    [Fact]
    public void User_and_role_reads_answer_as_an_empty_etcd_auth_store()
    {
        Assert.Equal("", Etcdctl.Ok(E, "user", "list"));
        Assert.Equal("", Etcdctl.Ok(E, "role", "list"));
        Assert.True(Etcdctl.Ok(E, "user", "list", "-w", "json").Contains("\"revision\":", StringComparison.Ordinal));
        foreach (string[] args in new[] { new[] { "user", "get", "nobody" }, ["user", "delete", "nobody"], ["user", "grant-role", "nobody", "r"] })
        {
            Etcdctl.Result r = Etcdctl.Run(E, args);
            Assert.True(r.ExitCode != 0 && r.All.Contains("Error: etcdserver: user name not found", StringComparison.Ordinal), r.All);
        }
        Assert.Contains("Error: etcdserver: root user does not exist", Etcdctl.Run(E, "auth", "enable").All);
        foreach (string[] args in new[] { new[] { "role", "get", "r" }, ["role", "delete", "r"], ["role", "grant-permission", "r", "read", "a"] })
        {
            Etcdctl.Result r = Etcdctl.Run(E, args);
            Assert.True(r.ExitCode != 0 && r.All.Contains("Error: etcdserver: role name not found", StringComparison.Ordinal), r.All);
        }
    }

    /// <summary>etcdctl check datascale reads process_resident_memory_bytes (the Go process collector's name) from
    /// /metrics before and after its writes, and fails without it.</summary>
    [Fact]
    public async Task Metrics_carry_the_go_process_collectors_memory_and_fd_gauges()
    {
        using var http = new HttpClient();
        string metrics = await http.GetStringAsync(server.Member.Url + "/metrics");
        foreach (string name in new[] { "process_resident_memory_bytes", "process_open_fds", "process_max_fds" })
        {
            string line = metrics.Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal));
            Assert.True(double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture) > 0, line);
        }
    }

    /// <summary>A port of python-etcd3's upstream tests that touch the server (tests/test_etcd3.py), run with Debian's
    /// python3-etcd3 0.12; bounded (no sleeps longer than a lease).</summary>
    [Fact]
    public async Task Python_etcd3_upstream_behaviours()
    {
        var info = new ProcessStartInfo(File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "etcd3_upstream.py"));
        info.ArgumentList.Add(E);
        info.Environment["PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION"] = "python";
        info.Environment["ETCDCTL_API"] = "3";
        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5_000);
            }
        }
        string output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("python etcd3 upstream ok", output);
    }
}
