using System.Text.Json;
using Xunit;

namespace Cairn.Host.Tests;

/// <summary>etcdctl (etcd's own CLI) against one real member: the etcd v3 API as clients see it.</summary>
public sealed class EtcdctlTests(SingleMemberFixture server) : IClassFixture<SingleMemberFixture>
{
    private string E => server.Endpoint;

    [Fact]
    public void Put_then_get_with_every_flag()
    {
        Etcdctl.Ok(E, "put", "ctl/a", "1");
        Etcdctl.Ok(E, "put", "ctl/b", "2");
        Etcdctl.Ok(E, "put", "ctl/c", "3");
        Assert.Equal("ctl/a\n1\n", Etcdctl.Ok(E, "get", "ctl/a"));
        Assert.Equal("ctl/a\nctl/b\nctl/c\n", Etcdctl.Ok(E, "get", "ctl/", "--prefix", "--keys-only").Replace("\n\n", "\n"));
        Assert.Equal(3, Etcdctl.Count(E, "ctl/"));
        Assert.Equal("ctl/c\n3\n", Etcdctl.Ok(E, "get", "ctl/", "--prefix", "--limit=1", "--order=DESCEND", "--sort-by=KEY"));
        Assert.Equal("2\n", Etcdctl.Ok(E, "get", "ctl/b", "--print-value-only"));
        Assert.Equal("ctl/a\n1\nctl/b\n2\n", Etcdctl.Ok(E, "get", "ctl/a", "ctl/c"));
        Assert.Contains("ctl/a", Etcdctl.Ok(E, "get", "ctl/a", "--consistency=s"));
        Assert.Contains("ctl/c", Etcdctl.Ok(E, "get", "ctl/b", "--from-key", "--keys-only"));
        using JsonDocument json = JsonDocument.Parse(Etcdctl.Ok(E, "get", "ctl/a", "-w", "json"));
        long rev = json.RootElement.GetProperty("kvs")[0].GetProperty("mod_revision").GetInt64();
        Etcdctl.Ok(E, "put", "ctl/a", "changed");
        Assert.Equal("1\n", Etcdctl.Ok(E, "get", "ctl/a", "--rev=" + rev, "--print-value-only"));
        Assert.Contains("changed", Etcdctl.Ok(E, "put", "ctl/a", "again", "--prev-kv"));
    }

    [Fact]
    public void Del_prefix_returns_the_count_and_prev_kv()
    {
        Etcdctl.Ok(E, "put", "del/1", "x");
        Etcdctl.Ok(E, "put", "del/2", "y");
        string output = Etcdctl.Ok(E, "del", "del/", "--prefix", "--prev-kv");
        Assert.StartsWith("2\n", output, StringComparison.Ordinal);
        Assert.Contains("del/1", output);
        Assert.Equal("", Etcdctl.Ok(E, "get", "del/", "--prefix"));
    }

    [Fact]
    public void Txn_takes_the_branch_its_compare_selects()
    {
        Etcdctl.Ok(E, "put", "txn/k", "v1");
        Etcdctl.Result r = Etcdctl.RunWithInput(E, "value(\"txn/k\") = \"v1\"\n\nput txn/out yes\n\nput txn/out no\n\n", TimeSpan.FromSeconds(30), "txn");
        Assert.True(r.ExitCode == 0, r.All);
        Assert.StartsWith("SUCCESS", r.Stdout, StringComparison.Ordinal);
        Assert.Equal("yes\n", Etcdctl.Ok(E, "get", "txn/out", "--print-value-only"));
    }

    [Fact]
    public async Task Watch_sees_puts_and_deletes_with_prev_kv()
    {
        // From the next revision: the events reach the watch however late etcdctl attaches on a loaded machine
        using JsonDocument now = JsonDocument.Parse(Etcdctl.Ok(E, "get", "watch/", "-w", "json"));
        long next = now.RootElement.GetProperty("header").GetProperty("revision").GetInt64() + 1;
        Task<Etcdctl.Result> watch = Task.Run(() => Etcdctl.RunWithInput(E, null, TimeSpan.FromSeconds(10), "watch", "watch/", "--prefix", "--prev-kv", "--rev=" + next));
        Etcdctl.Ok(E, "put", "watch/x", "1");
        Etcdctl.Ok(E, "put", "watch/x", "2");
        Etcdctl.Ok(E, "del", "watch/x");
        Etcdctl.Result r = await watch;
        Assert.Contains("PUT\nwatch/x\n1", r.Stdout);
        Assert.Contains("DELETE\nwatch/x\n2", r.Stdout);
    }

    [Fact]
    public void Lease_grant_attach_keepalive_timetolive_list_revoke()
    {
        string id = Etcdctl.Ok(E, "lease", "grant", "60").Split(' ')[1];
        Etcdctl.Ok(E, "put", "lease/k", "v", "--lease=" + id);
        Assert.Contains("attached keys([lease/k])", Etcdctl.Ok(E, "lease", "timetolive", id, "--keys"));
        Assert.Contains("keepalived with TTL(60)", Etcdctl.Ok(E, "lease", "keep-alive", "--once", id));
        Assert.Contains(id, Etcdctl.Ok(E, "lease", "list"));
        Assert.Contains("revoked", Etcdctl.Ok(E, "lease", "revoke", id));
        Assert.Equal("", Etcdctl.Ok(E, "get", "lease/k"));
    }

    [Fact]
    public void Member_list_endpoint_status_health_hashkv()
    {
        Assert.Contains(server.Member.Url, Etcdctl.Ok(E, "member", "list"));
        Assert.Contains("true", Etcdctl.Ok(E, "endpoint", "status"));
        Assert.Contains("is healthy", Etcdctl.Run(E, "endpoint", "health").All);
        Assert.Contains(E, Etcdctl.Ok(E, "endpoint", "hashkv"));
    }

    [Fact]
    public void Snapshot_defrag_alarm()
    {
        string path = Path.Combine(server.Cluster.Root, "snap.db");
        using (JsonDocument put = JsonDocument.Parse(Etcdctl.Ok(E, "put", "snap/k", "v", "-w", "json")))
        {
            long rev = put.RootElement.GetProperty("header").GetProperty("revision").GetInt64();
            Assert.Contains("Snapshot saved", Etcdctl.Run(E, "snapshot", "save", path).All);
            Assert.Equal(32, new FileInfo(path).Length % 512);
            // The file is a bbolt database laid out as etcd's backend: etcdctl reads it (and checks its integrity)
            using JsonDocument status = JsonDocument.Parse(Etcdctl.Ok(E, "snapshot", "status", path, "-w", "json"));
            Assert.True(status.RootElement.GetProperty("revision").GetInt64() >= rev, status.RootElement.ToString());
            Assert.True(status.RootElement.GetProperty("totalKey").GetInt64() > 0);
        }
        string restored = Path.Combine(server.Cluster.Root, "restored.etcd");
        Etcdctl.Result restore = Etcdctl.Run(E, "snapshot", "restore", path, "--data-dir", restored, "--name", "r",
            "--initial-cluster", "r=http://127.0.0.1:1", "--initial-advertise-peer-urls", "http://127.0.0.1:1");
        Assert.True(restore.ExitCode == 0, restore.All); // etcd's own restore rebuilds its MVCC store from the file
        Assert.Contains("Finished defragmenting", Etcdctl.Ok(E, "defrag"));
        Assert.Equal("", Etcdctl.Ok(E, "alarm", "list"));
    }

    [Fact]
    public void Compaction_then_old_revisions_answer_etcds_compacted_error()
    {
        Etcdctl.Ok(E, "put", "cmp/k", "1");
        using JsonDocument json = JsonDocument.Parse(Etcdctl.Ok(E, "put", "cmp/k", "2", "-w", "json"));
        long rev = json.RootElement.GetProperty("header").GetProperty("revision").GetInt64();
        Assert.Contains("compacted revision " + rev, Etcdctl.Ok(E, "compaction", rev.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains("etcdserver: mvcc: required revision has been compacted", Etcdctl.Run(E, "get", "cmp/k", "--rev=" + (rev - 1)).All);
        Etcdctl.Result watch = Etcdctl.RunWithInput(E, null, TimeSpan.FromSeconds(5), "watch", "cmp/k", "--rev=1");
        Assert.Contains("required revision has been compacted", watch.All);
    }

    [Fact]
    public void Bad_input_gets_etcds_errors()
    {
        Assert.Contains("etcdserver: mvcc: required revision is a future revision", Etcdctl.Run(E, "get", "x", "--rev=99999999").All);
        Assert.Contains("etcdserver: requested lease not found", Etcdctl.Run(E, "lease", "revoke", "123456").All);
        Assert.Contains("etcdserver: requested lease not found", Etcdctl.Run(E, "put", "x", "y", "--lease=123456").All);
        Assert.Contains("etcdserver: request is too large", Etcdctl.RunWithInput(E, new string('x', 1_600_000), TimeSpan.FromSeconds(30), "put", "big").All);
        Assert.Contains("etcdserver: duplicate key given in txn request",
            Etcdctl.RunWithInput(E, "\nput d 1\nput d 2\n\n\n", TimeSpan.FromSeconds(30), "txn").All);
        Assert.Contains("is healthy", Etcdctl.Run(E, "endpoint", "health").All); // still serving
    }
}
