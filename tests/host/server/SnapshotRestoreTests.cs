using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Cairn.Host.Tests;

/// <summary>etcd's backup and restore with cairn: <c>etcdctl snapshot save</c> gets a bbolt file that
/// <c>etcdctl snapshot status</c> reads, <c>cairn snapshot restore</c> builds a member that serves the same keys
/// at the same revisions, and, with Debian's etcd installed, etcd and cairn restore each other's snapshots.</summary>
public sealed class SnapshotRestoreTests
{
    /// <summary>How long one <c>cairn snapshot restore</c> may take before it is killed.</summary>
    public static readonly TimeSpan RestoreTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Save_status_and_restore_serve_the_same_keys_at_the_same_revisions()
    {
        using var cluster = new CairnCluster(1);
        await cluster.Start();
        string e = cluster.Endpoints;
        Etcdctl.Ok(e, "put", "s/a", "1");
        Etcdctl.Ok(e, "put", "s/a", "2");
        Etcdctl.Ok(e, "put", "s/c", "1");
        Etcdctl.Ok(e, "del", "s/c");
        Etcdctl.Ok(e, "compaction", "3");
        Etcdctl.Ok(e, "put", "s/a", "3");
        Etcdctl.Ok(e, "put", "s/b", "1");
        Etcdctl.Result big = Etcdctl.RunWithInput(e, Convert.ToBase64String(RandomNumberGenerator.GetBytes(100_000)), TimeSpan.FromSeconds(30), "put", "s/big");
        Assert.True(big.ExitCode == 0, big.All);
        string lease = Etcdctl.Ok(e, "lease", "grant", "600").Split(' ')[1];
        Etcdctl.Ok(e, "put", "s/l", "v", "--lease=" + lease);
        string file = Path.Combine(cluster.Root, "cairn.snapshot");
        Etcdctl.Ok(e, "snapshot", "save", file);
        using (JsonDocument status = JsonDocument.Parse(Etcdctl.Ok(e, "snapshot", "status", file, "-w", "json")))
        {
            // Revisions 9 (s/l) back to the compaction's 3: s/a@3, s/c@4, s/c@5 (tombstone), s/a@6, s/b@7, s/big@8
            // (on overflow pages), s/l@9; plus meta (consistent_index, two compaction marks), one lease, one member,
            // clusterVersion and two auth keys. etcdctl's status also runs bbolt's consistency check on the file.
            Assert.Equal(9, status.RootElement.GetProperty("revision").GetInt64());
            Assert.Equal(15, status.RootElement.GetProperty("totalKey").GetInt64());
        }
        string before = Kvs(e);

        int peer = CairnProcess.FreePort();
        var restored = new CairnProcess("r1", Path.Combine(cluster.Root, "r1"), CairnProcess.FreePort(), peer, $"r1=http://127.0.0.1:{peer}", "restored-token");
        var (code, output) = RunCairn("snapshot", "restore", file, "--data-dir", restored.DataDir, "--name", "r1", "--initial-cluster", restored.InitialCluster,
            "--initial-cluster-token", restored.Token, "--initial-advertise-peer-urls", $"http://127.0.0.1:{peer}");
        Assert.True(code == 0, output);
        Assert.Contains("7 revisions, revision 9, compacted at 3, 1 leases", output);
        using (restored)
        {
            restored.Start();
            await restored.WaitHealthy();
            Assert.Equal(before, Kvs(restored.Endpoint));
            Assert.Contains(lease, Etcdctl.Ok(restored.Endpoint, "lease", "list"));
            Assert.Contains("required revision has been compacted", Etcdctl.Run(restored.Endpoint, "get", "s/a", "--rev=2").All);
            Assert.Equal("s/a\n2\n", Etcdctl.Ok(restored.Endpoint, "get", "s/a", "--rev=3"));
            Assert.Contains("\"revision\":10", Etcdctl.Ok(restored.Endpoint, "put", "s/new", "1", "-w", "json"));
        }
        if (EtcdProcess.Available) await EtcdServes(file, before, cluster.Root);
    }

    [Fact]
    public async Task Every_member_of_a_new_three_member_cluster_restores_from_one_snapshot()
    {
        using var source = new CairnCluster(1);
        await source.Start();
        for (int i = 0; i < 20; i++) Etcdctl.Ok(source.Endpoints, "put", $"t/{i % 7}", $"v{i}");
        string file = Path.Combine(source.Root, "three.snapshot");
        Etcdctl.Ok(source.Endpoints, "snapshot", "save", file);
        string expected = Kvs(source.Endpoints);
        using var restored = new CairnCluster(3, "three-token");
        foreach (CairnProcess m in restored.Members)
        {
            var (code, output) = RunCairn("snapshot", "restore", file, "--name", m.Name, "--data-dir", m.DataDir, "--initial-cluster", m.InitialCluster,
                "--initial-cluster-token", m.Token, "--initial-advertise-peer-urls", $"http://127.0.0.1:{m.PeerPort}");
            Assert.True(code == 0, output);
        }
        await restored.Start();
        Assert.Contains("\"revision\":22", Etcdctl.Ok(restored.Members[0].Endpoint, "put", "t/new", "1", "-w", "json"));
        foreach (CairnProcess m in restored.Members)
        {
            Assert.Equal("t/new\n1\n", Etcdctl.Ok(m.Endpoint, "get", "t/new"));
            using JsonDocument json = JsonDocument.Parse(Etcdctl.Ok(m.Endpoint, "get", "t/", "--prefix", "--rev=21", "-w", "json"));
            Assert.Equal(expected, json.RootElement.GetProperty("kvs").GetRawText());
        }
    }

    /// <summary><c>etcdctl snapshot restore</c> of a cairn snapshot; etcd started on it serves the same keys.</summary>
    private static async Task EtcdServes(string file, string expected, string root)
    {
        using var etcd = new EtcdProcess("e1", Path.Combine(root, "etcd-restored"));
        Etcdctl.Ok("127.0.0.1:1", ["snapshot", "restore", file, .. etcd.MemberFlags()]);
        etcd.Start();
        await etcd.WaitHealthy();
        Assert.Equal(expected, Kvs(etcd.Endpoint));
    }

    [Fact]
    public async Task An_etcd_snapshot_with_branch_and_overflow_pages_restores_into_cairn()
    {
        if (!EtcdProcess.Available) return;
        string root = Path.Combine(Path.GetTempPath(), "cairn-etcd-restore-" + Guid.NewGuid().ToString("N"));
        try
        {
            string file = Path.Combine(root, "etcd.snapshot");
            string expected;
            using (var etcd = new EtcdProcess("e1", Path.Combine(root, "etcd")))
            {
                etcd.Start();
                await etcd.WaitHealthy();
                expected = FillEtcd(etcd.Endpoint);
                Etcdctl.Ok(etcd.Endpoint, "snapshot", "save", file);
            }
            int peer = CairnProcess.FreePort();
            using var cairn = new CairnProcess("c1", Path.Combine(root, "cairn"), CairnProcess.FreePort(), peer, $"c1=http://127.0.0.1:{peer}", "from-etcd");
            var (code, output) = RunCairn("snapshot", "restore", file, "--name", cairn.Name, "--data-dir", cairn.DataDir, "--initial-cluster", cairn.InitialCluster,
                "--initial-cluster-token", cairn.Token, "--initial-advertise-peer-urls", $"http://127.0.0.1:{peer}");
            Assert.True(code == 0, output);
            cairn.Start();
            await cairn.WaitHealthy();
            Assert.Equal(expected, Kvs(cairn.Endpoint));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>1,000 keys in transactions of 100 (branch pages), a 200 KB value (overflow pages), a
    /// deletion, a leased key and a compaction; returns the keys as etcd serves them.</summary>
    private static string FillEtcd(string e)
    {
        for (int t = 0; t < 10; t++)
        {
            var txn = new StringBuilder("\n");
            for (int i = 0; i < 100; i++) txn.Append(CultureInfo.InvariantCulture, $"put k/{t:D2}/{i:D3} value-{t}-{i}\n");
            Etcdctl.Result r = Etcdctl.RunWithInput(e, txn.Append("\n\n").ToString(), TimeSpan.FromSeconds(30), "txn");
            Assert.True(r.ExitCode == 0, r.All);
        }
        Etcdctl.Ok(e, "put", "k/00/000", "rewritten");
        Etcdctl.Ok(e, "compaction", "5");
        Etcdctl.Ok(e, "del", "k/00/001");
        Etcdctl.Result big = Etcdctl.RunWithInput(e, Convert.ToBase64String(RandomNumberGenerator.GetBytes(150_000)), TimeSpan.FromSeconds(30), "put", "k/big");
        Assert.True(big.ExitCode == 0, big.All);
        string lease = Etcdctl.Ok(e, "lease", "grant", "600").Split(' ')[1];
        Etcdctl.Ok(e, "put", "k/leased", "v", "--lease=" + lease);
        return Kvs(e);
    }

    [Fact]
    public void Corrupt_truncated_or_misplaced_restores_are_refused_with_a_clear_error()
    {
        string root = Path.Combine(Path.GetTempPath(), "cairn-bad-restore-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        try
        {
            string file = Path.Combine(root, "bad.snapshot");
            byte[] garbage = new byte[2 * 4096];
            new Random(7).NextBytes(garbage);
            File.WriteAllBytes(file, [.. garbage, .. SHA256.HashData(garbage)]);
            string[] member = ["--name", "x", "--initial-cluster", "x=http://127.0.0.1:1", "--initial-cluster-token", "t"];
            AssertRefused(RunCairn(["snapshot", "restore", file, "--data-dir", Path.Combine(root, "d1"), .. member]), "invalid bbolt database", root, "d1");
            File.WriteAllBytes(file, [.. garbage, .. new byte[32]]);
            AssertRefused(RunCairn(["snapshot", "restore", file, "--data-dir", Path.Combine(root, "d2"), .. member]), "fails its SHA-256", root, "d2");
            File.WriteAllBytes(file, garbage[..1000]);
            AssertRefused(RunCairn(["snapshot", "restore", file, "--data-dir", Path.Combine(root, "d3"), .. member]), "no SHA-256 trailer", root, "d3");
            AssertRefused(RunCairn(["snapshot", "restore", file, "--data-dir", Path.Combine(root, "d4"), "--skip-hash-check", .. member]), "invalid bbolt database", root, "d4");
            AssertRefused(RunCairn(["snapshot", "restore", file, "--data-dir", root, .. member]), "exists", root, "");
            AssertRefused(RunCairn(["snapshot", "restore", file, "--bogus", "1"]), "unknown flag --bogus", root, "d5");
            AssertRefused(RunCairn(["snapshot", "restore"]), "needs the snapshot file", root, "d5");
            AssertRefused(RunCairn(["snapshot", "restore", Path.Combine(root, "missing"), "--data-dir", Path.Combine(root, "d6"), .. member]), "does not exist", root, "d6");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void AssertRefused((int Code, string Output) result, string message, string root, string dataDir)
    {
        Assert.True(result.Code == 1, result.Output);
        Assert.Contains(message, result.Output);
        Assert.DoesNotContain("Unhandled exception", result.Output);
        if (dataDir.Length > 0) Assert.False(Directory.Exists(Path.Combine(root, dataDir)), "a failed restore leaves no data dir behind");
    }

    /// <summary>The keys of a whole keyspace as etcdctl prints them (the header, which names the cluster, left out).</summary>
    private static string Kvs(string endpoint)
    {
        using JsonDocument json = JsonDocument.Parse(Etcdctl.Ok(endpoint, "get", "", "--prefix", "-w", "json"));
        return json.RootElement.GetProperty("kvs").GetRawText();
    }

    /// <summary>Runs <c>cairn</c> with <paramref name="args"/> to completion (killed by PID after <see cref="RestoreTimeout"/>).</summary>
    private static (int Code, string Output) RunCairn(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(CairnProcess.ServerDll);
        foreach (string arg in args) info.ArgumentList.Add(arg);
        using Process process = Process.Start(info) ?? throw new InvalidOperationException("cannot start cairn");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit((int)RestoreTimeout.TotalMilliseconds))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
            return (-1, "timed out: " + stdout.Result + stderr.Result);
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
