using System.Text.Json;
using Xunit;

namespace Cairn.Host.Tests;

/// <summary>Three real members on loopback: any member serves any request (writes and linearizable reads
/// reach the leader inside the Core), a kill -9 of the leader loses no acknowledged write, members agree.</summary>
public sealed class ClusterTests
{
    [Fact]
    public async Task Every_member_serves_writes_and_linearizable_reads_and_hashkv_agrees()
    {
        using var cluster = new CairnCluster(3);
        await cluster.Start();
        foreach (CairnProcess member in cluster.Members)
        {
            Etcdctl.Ok(member.Endpoint, "put", "any/" + member.Name, member.Name);
        }
        foreach (CairnProcess member in cluster.Members)
        {
            Assert.Equal(3, Etcdctl.Count(member.Endpoint, "any/"));
        }
        string members = Etcdctl.Ok(cluster.Endpoints, "member", "list");
        foreach (CairnProcess member in cluster.Members)
        {
            Assert.Contains(member.Url, members);
        }
        AssertHashesAgree(cluster);
    }

    [Fact]
    public async Task Move_leader_hands_leadership_to_the_target()
    {
        using var cluster = new CairnCluster(3);
        await cluster.Start();
        (CairnProcess leader, ulong leaderId) = Leader(cluster);
        CairnProcess target = cluster.Members.First(m => m != leader);
        ulong targetId = MemberId(target);
        string output = Etcdctl.Ok(cluster.Endpoints, "move-leader", targetId.ToString("x"));
        Assert.Contains($"Leadership transferred from {leaderId:x} to {targetId:x}", output);
    }

    [Fact]
    public async Task Kill_9_of_the_leader_loses_no_acknowledged_write()
    {
        using var cluster = new CairnCluster(3);
        await cluster.Start();
        (CairnProcess leader, _) = Leader(cluster);
        var acknowledged = new List<int>();
        for (int i = 0; i < 60; i++)
        {
            if (i == 20)
            {
                leader.Kill();
            }
            if (i == 40)
            {
                leader.Start();
            }
            if (Etcdctl.Run(cluster.Endpoints, "put", $"ack/{i:D3}", i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ExitCode == 0)
            {
                acknowledged.Add(i);
            }
        }
        await leader.WaitHealthy();
        Assert.True(acknowledged.Count >= 40, $"only {acknowledged.Count} writes acknowledged");
        Etcdctl.Ok(cluster.Endpoints, "put", "ack/barrier", "x"); // every member applies past the writes above
        foreach (CairnProcess member in cluster.Members)
        {
            string keys = Etcdctl.Ok(member.Endpoint, "get", "ack/", "--prefix", "--keys-only");
            foreach (int i in acknowledged)
            {
                Assert.Contains($"ack/{i:D3}", keys);
            }
        }
        AssertHashesAgree(cluster);
    }

    private static void AssertHashesAgree(CairnCluster cluster)
    {
        using JsonDocument status = JsonDocument.Parse(Etcdctl.Ok(cluster.Members[0].Endpoint, "endpoint", "status", "-w", "json"));
        long revision = status.RootElement[0].GetProperty("Status").GetProperty("header").GetProperty("revision").GetInt64();
        var hashes = cluster.Members.Select(m =>
        {
            for (int attempt = 0; attempt < 50; attempt++)
            {
                Etcdctl.Result r = Etcdctl.Run(m.Endpoint, "endpoint", "hashkv", "--rev=" + revision, "-w", "json");
                if (r.ExitCode == 0)
                {
                    using JsonDocument json = JsonDocument.Parse(r.Stdout);
                    return json.RootElement[0].GetProperty("HashKV").GetProperty("hash").GetUInt32();
                }
                Thread.Sleep(100); // the member has not applied that revision yet
            }
            throw new TimeoutException($"{m.Name} never reached revision {revision}");
        }).ToList();
        Assert.Single(hashes.Distinct());
    }

    private static (CairnProcess Member, ulong Id) Leader(CairnCluster cluster)
    {
        foreach (CairnProcess member in cluster.Members)
        {
            using JsonDocument json = JsonDocument.Parse(Etcdctl.Ok(member.Endpoint, "endpoint", "status", "-w", "json"));
            JsonElement status = json.RootElement[0].GetProperty("Status");
            ulong id = status.GetProperty("header").GetProperty("member_id").GetUInt64();
            if (status.GetProperty("leader").GetUInt64() == id)
            {
                return (member, id);
            }
        }
        throw new InvalidOperationException("no leader");
    }

    private static ulong MemberId(CairnProcess member)
    {
        using JsonDocument json = JsonDocument.Parse(Etcdctl.Ok(member.Endpoint, "endpoint", "status", "-w", "json"));
        return json.RootElement[0].GetProperty("Status").GetProperty("header").GetProperty("member_id").GetUInt64();
    }
}
