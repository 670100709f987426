using System.Net.Sockets;
using System.Text.Json;
using Xunit;

namespace Cairn.Host.Tests;

/// <summary>
/// etcdctl given <c>--endpoints=http://host:port</c>, the form in etcd's docs. etcdctl 3.4 then sends the
/// URL itself as HTTP/2's <c>:authority</c> on its per-endpoint Maintenance connections, which Kestrel
/// alone refuses (RST_STREAM PROTOCOL_ERROR); the client port's header normaliser makes it a host.
/// </summary>
public sealed class EndpointUrlTests(SingleMemberFixture server) : IClassFixture<SingleMemberFixture>
{
    /// <summary>Most reads while waiting for the server to close a refused connection.</summary>
    private const int CloseReadsMax = 100;

    private string Url => server.Member.Url;

    [Fact]
    public void Kv_and_every_maintenance_call_work_with_a_url_endpoint()
    {
        Etcdctl.Ok(Url, "put", "url/k", "v");
        Assert.Equal("url/k\nv\n", Etcdctl.Ok(Url, "get", "url/k"));
        Assert.StartsWith(Url + ", ", Etcdctl.Ok(Url, "endpoint", "status"), StringComparison.Ordinal);
        Assert.StartsWith(Url + ", ", Etcdctl.Ok(Url, "endpoint", "hashkv"), StringComparison.Ordinal);
        Etcdctl.Result health = Etcdctl.Run(Url, "endpoint", "health");
        Assert.True(health.ExitCode == 0, health.All);
        Assert.Contains(Url + " is healthy", health.All);
        Assert.Contains("Finished defragmenting", Etcdctl.Ok(Url, "defrag"));
        string path = Path.Combine(server.Cluster.Root, "url-snap.db");
        Etcdctl.Result snapshot = Etcdctl.Run(Url, "snapshot", "save", path);
        Assert.True(snapshot.ExitCode == 0, snapshot.All);
        Assert.Contains("Snapshot saved", snapshot.All);
        Assert.Equal("", Etcdctl.Ok(Url, "alarm", "list"));
    }

    [Fact]
    public async Task A_malformed_header_block_closes_only_its_connection()
    {
        using (var client = new TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", server.Member.ClientPort);
            NetworkStream stream = client.GetStream();
            byte[] headers = [0, 0, 1, 0x1, 0x4, 0, 0, 0, 1, 0x80]; // HEADERS, END_HEADERS, stream 1: HPACK index 0
            await stream.WriteAsync((byte[])[.. "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8, 0, 0, 0, 0x4, 0, 0, 0, 0, 0, .. headers]);
            Assert.True(await ClosedByServer(stream), "the server kept the connection open");
        }
        Assert.Contains("refused its HTTP/2 header block", server.Member.Output);
        Assert.Contains(Url + " is healthy", Etcdctl.Run(Url, "endpoint", "health").All);
    }

    [Fact]
    public async Task Move_leader_with_url_endpoints()
    {
        using var cluster = new CairnCluster(3);
        await cluster.Start();
        string urls = string.Join(",", cluster.Members.Select(m => m.Url));
        List<(ulong Id, bool Leads)> members = [.. cluster.Members.Select(m => Status(m.Url))];
        ulong leader = members.Single(m => m.Leads).Id;
        ulong target = members.First(m => !m.Leads).Id;
        Assert.Contains($"Leadership transferred from {leader:x} to {target:x}", Etcdctl.Ok(urls, "move-leader", target.ToString("x")));
    }

    private static (ulong Id, bool Leads) Status(string url)
    {
        using JsonDocument json = JsonDocument.Parse(Etcdctl.Ok(url, "endpoint", "status", "-w", "json"));
        JsonElement status = json.RootElement[0].GetProperty("Status");
        ulong id = status.GetProperty("header").GetProperty("member_id").GetUInt64();
        return (id, status.GetProperty("leader").GetUInt64() == id);
    }

    /// <summary>Reads (the server's SETTINGS first) until end of stream or a reset; bounded in reads and time.</summary>
    private static async Task<bool> ClosedByServer(NetworkStream stream)
    {
        byte[] buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            for (int i = 0; i < CloseReadsMax; i++)
            {
                if (await stream.ReadAsync(buffer, timeout.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
        }
        return false;
    }
}
