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

    /// <summary>Lease keep-alive and time-to-live on a follower reach the leader's lessor through the Core's
    /// forwarding between Raft peers (no gRPC hop to the leader): etcdctl, dotnet-etcd and python3-etcd3.</summary>
    [Fact]
    public async Task Lease_keepalive_and_timetolive_on_a_follower_are_answered_by_the_leader()
    {
        using var cluster = new CairnCluster(3);
        await cluster.Start();
        (CairnProcess leader, _) = Leader(cluster);
        CairnProcess follower = cluster.Members.First(m => m != leader);
        string id = Etcdctl.Ok(follower.Endpoint, "lease", "grant", "60").Split(' ')[1];
        Etcdctl.Ok(follower.Endpoint, "put", "flease/k", "v", "--lease=" + id);
        Assert.Contains("keepalived with TTL(60)", Etcdctl.Ok(follower.Endpoint, "lease", "keep-alive", "--once", id));
        Assert.Contains("attached keys([flease/k])", Etcdctl.Ok(follower.Endpoint, "lease", "timetolive", id, "--keys"));
        Assert.Contains("already expired", Etcdctl.Ok(follower.Endpoint, "lease", "timetolive", "7777777"));
        using (var client = new dotnet_etcd.EtcdClient(follower.Url))
        {
            var ttl = await client.LeaseTimeToLiveAsync(new Etcdserverpb.LeaseTimeToLiveRequest { ID = long.Parse(id, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) });
            Assert.InRange(ttl.TTL, 1, 60);
        }
        Assert.Contains("python etcd3 smoke ok", ClientLibraryTests.RunPythonSmoke(follower.Endpoint));
        Assert.Contains("revoked", Etcdctl.Ok(follower.Endpoint, "lease", "revoke", id));
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
