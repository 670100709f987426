using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using dotnet_etcd;
using Etcdserverpb;
using Xunit;

namespace Cairn.Host.Tests;

/// <summary>
/// The durable KV store (<c>member/kv.db</c>): persist before acknowledge holds across kill -9, a restart
/// resumes from the store's applied index instead of replaying the whole log, and Status, the metrics and
/// Defragment see the real SQLite file.
/// </summary>
public sealed partial class DurableStoreTests
{
    /// <summary>More writes than the runtime holds in one open apply batch (NodeRuntime.AppliedPersistEntriesMax
    /// is 256), so the store has committed at least one batch when the member is killed, and some writes are
    /// still only in the log.</summary>
    public const int WritesBeforeKill = 300;

    /// <summary>Polls of Status while a compaction's slices free pages.</summary>
    public const int StatusPollsMax = 100;

    [Fact]
    public async Task Kill_9_then_restart_resumes_from_the_store_with_every_acknowledged_key_and_revision()
    {
        using var cluster = new CairnCluster(1);
        await cluster.Start();
        CairnProcess member = cluster.Members[0];
        var acknowledged = new Dictionary<string, long>();
        using (var client = new EtcdClient(member.Url))
        {
            for (int i = 0; i < WritesBeforeKill; i++)
            {
                string key = $"durable/{i:D4}";
                PutResponse put = await client.PutAsync(key, i.ToString(CultureInfo.InvariantCulture));
                acknowledged[key] = put.Header.Revision;
            }
        }
        member.Kill();
        Assert.True(File.Exists(Path.Combine(member.DataDir, "member", "kv.db")), "no kv.db in the member dir");

        member.Start();
        await member.WaitHealthy();

        Assert.True(StoreAppliedIndexAtStart(member.Output, occurrence: 1) > 0, "the restart did not resume from the store:\n" + member.Output);
        using var after = new EtcdClient(member.Url);
        RangeResponse range = await after.GetRangeAsync("durable/");
        Assert.Equal(WritesBeforeKill, range.Kvs.Count);
        foreach (var kv in range.Kvs)
        {
            Assert.Equal(acknowledged[kv.Key.ToStringUtf8()], kv.ModRevision);
        }
        Assert.Equal(acknowledged.Values.Max(), range.Header.Revision);
    }

    [Fact]
    public async Task Status_and_metrics_report_the_store_and_defragment_shrinks_its_file()
    {
        using var cluster = new CairnCluster(1);
        await cluster.Start();
        CairnProcess member = cluster.Members[0];
        string kvFile = Path.Combine(member.DataDir, "member", "kv.db");
        using var client = new EtcdClient(member.Url);
        string big = new('x', 32 * 1024);
        for (int i = 0; i < 40; i++)
        {
            await client.PutAsync($"defrag/{i:D2}", big);
        }
        await client.DeleteRangeAsync("defrag/");
        PutResponse last = await client.PutAsync("defrag-marker", "x");
        await client.CompactAsync(new CompactionRequest { Revision = last.Header.Revision, Physical = true });
        StatusResponse fragmented = await StatusOnceFreed(member);
        Assert.True(fragmented.DbSize > 40 * 32 * 1024, $"dbSize {fragmented.DbSize} does not hold the values written");

        Assert.Contains("Finished defragmenting", Etcdctl.Ok(member.Endpoint, "defrag"));

        StatusResponse defragmented = await client.StatusAsync(new StatusRequest());
        Assert.True(defragmented.DbSize < fragmented.DbSize / 4, $"dbSize {defragmented.DbSize} after defragmenting {fragmented.DbSize}");
        Assert.Equal(defragmented.DbSize, defragmented.DbSizeInUse);
        Assert.Equal(defragmented.DbSize, new FileInfo(kvFile).Length);
        using var http = new HttpClient();
        string metrics = await http.GetStringAsync(member.Url + "/metrics");
        Assert.Equal(defragmented.DbSize, Gauge(metrics, "etcd_mvcc_db_total_size_in_bytes"));
        Assert.Equal(defragmented.DbSizeInUse, Gauge(metrics, "etcd_mvcc_db_total_size_in_use_in_bytes"));
        Assert.Equal("x", await client.GetValAsync("defrag-marker"));
    }

    /// <summary>Polls Status until the compaction's slices have freed pages (in use below size); bounded.</summary>
    private static async Task<StatusResponse> StatusOnceFreed(CairnProcess member)
    {
        using var client = new EtcdClient(member.Url);
        for (int poll = 0; poll < StatusPollsMax; poll++)
        {
            StatusResponse status = await client.StatusAsync(new StatusRequest());
            if (status.DbSizeInUse < status.DbSize)
            {
                return status;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("compaction freed no page of the store");
    }

    /// <summary>The applied index the store held when the member's <paramref name="occurrence"/>-th start (0 = first) opened it.</summary>
    private static ulong StoreAppliedIndexAtStart(string output, int occurrence)
    {
        MatchCollection starts = OpenedStore().Matches(output);
        Assert.True(starts.Count > occurrence, $"{starts.Count} store openings logged:\n{output}");
        return ulong.Parse(starts[occurrence].Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static long Gauge(string metrics, string name)
    {
        string line = metrics.Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return (long)double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"opened its KV store at applied index (\d+)")]
    private static partial Regex OpenedStore();
}
