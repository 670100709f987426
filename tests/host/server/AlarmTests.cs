using System.Net;
using dotnet_etcd;
using Etcdserverpb;
using Xunit;

namespace Cairn.Host.Tests;

/// <summary>
/// etcd's alarms are replicated (they go through the log): an alarm raised on one member is listed by every
/// member, NOSPACE refuses writes everywhere until an operator disarms it, and the quota raises NOSPACE by itself.
/// </summary>
public sealed class AlarmTests
{
    [Fact]
    public async Task An_alarm_raised_on_one_member_is_reported_by_every_member_until_disarmed()
    {
        using var cluster = new CairnCluster(3);
        await cluster.Start();
        CairnProcess raiser = cluster.Members[1];
        ulong raiserId = MemberId(raiser);
        using (var client = new EtcdClient(raiser.Url))
        {
            await client.AlarmAsync(new AlarmRequest
            {
                Action = AlarmRequest.Types.AlarmAction.Activate, MemberID = raiserId, Alarm = AlarmType.Nospace,
            });
        }
        foreach (CairnProcess member in cluster.Members)
        {
            Assert.Contains($"memberID:{raiserId} alarm:NOSPACE", Etcdctl.Ok(member.Endpoint, "alarm", "list"));
            Assert.Contains("database space exceeded", Etcdctl.Run(member.Endpoint, "put", "alarmed", "x").All);
        }
        using (var http = new HttpClient())
        {
            HttpResponseMessage health = await http.GetAsync(cluster.Members[2].Url + "/health");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Contains("ALARM NOSPACE", await health.Content.ReadAsStringAsync());
        }

        Assert.Contains("NOSPACE", Etcdctl.Ok(cluster.Members[0].Endpoint, "alarm", "disarm"));

        foreach (CairnProcess member in cluster.Members)
        {
            Assert.Equal("", Etcdctl.Ok(member.Endpoint, "alarm", "list"));
            Etcdctl.Ok(member.Endpoint, "put", "disarmed/" + member.Name, "x");
        }
    }

    [Fact]
    public async Task Passing_the_quota_raises_nospace_and_refuses_writes_that_grow_the_store()
    {
        using var cluster = new CairnCluster(1);
        foreach (CairnProcess member in cluster.Members)
        {
            member.Start("--quota-backend-bytes=262144");
        }
        CairnProcess only = cluster.Members[0];
        await only.WaitHealthy();
        string value = new('q', 64 * 1024);
        string? refusal = null;
        for (int i = 0; i < 64 && refusal is null; i++)
        {
            Etcdctl.Result put = Etcdctl.RunWithInput(only.Endpoint, value, TimeSpan.FromSeconds(30), "put", $"quota/{i:D2}");
            refusal = put.ExitCode != 0 ? put.All : null;
        }
        Assert.NotNull(refusal);
        Assert.Contains("etcdserver: mvcc: database space exceeded", refusal);
        Assert.Contains("alarm:NOSPACE", Etcdctl.Ok(only.Endpoint, "alarm", "list"));
        Assert.Contains("1", Etcdctl.Ok(only.Endpoint, "del", "quota/00")); // deletes still pass
    }

    private static ulong MemberId(CairnProcess member)
    {
        using var json = System.Text.Json.JsonDocument.Parse(Etcdctl.Ok(member.Endpoint, "endpoint", "status", "-w", "json"));
        return json.RootElement[0].GetProperty("Status").GetProperty("header").GetProperty("member_id").GetUInt64();
    }
}
