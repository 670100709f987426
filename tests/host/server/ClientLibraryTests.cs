using System.Diagnostics;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Xunit;

namespace Cairn.Host.Tests;

/// <summary>dotnet-etcd (NuGet) and python3-etcd3 (Debian) talk to cairn unchanged.</summary>
public sealed class ClientLibraryTests(SingleMemberFixture server) : IClassFixture<SingleMemberFixture>
{
    [Fact]
    public async Task Dotnet_etcd_put_get_delete_txn_lease_watch()
    {
        using var client = new EtcdClient(server.Member.Url);
        await client.PutAsync("net/a", "1");
        Assert.Equal("1", await client.GetValAsync("net/a"));
        await client.PutAsync("net/b", "2");
        Assert.Equal(2, (await client.GetRangeAsync("net/")).Count);
        await client.DeleteAsync("net/b");
        Assert.Equal("", await client.GetValAsync("net/b"));
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare { Key = ByteString.CopyFromUtf8("net/a"), Result = Compare.Types.CompareResult.Equal, Target = Compare.Types.CompareTarget.Value, Value = ByteString.CopyFromUtf8("1") });
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8("net/t"), Value = ByteString.CopyFromUtf8("yes") } });
        Assert.True((await client.TransactionAsync(txn)).Succeeded);
        LeaseGrantResponse lease = await client.LeaseGrantAsync(new LeaseGrantRequest { TTL = 60 });
        await client.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8("net/l"), Value = ByteString.CopyFromUtf8("x"), Lease = lease.ID });
        LeaseTimeToLiveResponse ttl = await client.LeaseTimeToLiveAsync(new LeaseTimeToLiveRequest { ID = lease.ID, Keys = true });
        Assert.Single(ttl.Keys);
        await client.LeaseRevokeAsync(new LeaseRevokeRequest { ID = lease.ID });
        Assert.Equal("", await client.GetValAsync("net/l"));
    }

    [Fact]
    public void Python_etcd3_smoke() => Assert.Contains("python etcd3 smoke ok", RunPythonSmoke(server.Endpoint));

    /// <summary>Runs etcd3_smoke.py (python3-etcd3) against <paramref name="endpoint"/>; asserts it exits 0 and returns its output.</summary>
    internal static string RunPythonSmoke(string endpoint)
    {
        var info = new ProcessStartInfo(File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "etcd3_smoke.py"));
        info.ArgumentList.Add(endpoint);
        info.Environment["PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION"] = "python";
        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5_000);
        }
        string output = stdout.Result + stderr.Result;
        Assert.True(process.HasExited && process.ExitCode == 0, output);
        return output;
    }
}
