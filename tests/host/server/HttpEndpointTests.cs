using System.Net;
using System.Text;
using Xunit;

namespace Cairn.Host.Tests;

/// <summary>/health, /metrics and the JSON gateway on the client port, next to gRPC.</summary>
public sealed class HttpEndpointTests(SingleMemberFixture server) : IClassFixture<SingleMemberFixture>
{
    [Fact]
    public async Task Health_answers_like_etcd()
    {
        using var http = new HttpClient();
        Assert.Equal("{\"health\":\"true\",\"reason\":\"\"}", await http.GetStringAsync(server.Member.Url + "/health"));
    }

    [Fact]
    public async Task Metrics_carry_etcds_names()
    {
        using var http = new HttpClient();
        Etcdctl.Ok(server.Endpoint, "put", "m", "1");
        string metrics = await http.GetStringAsync(server.Member.Url + "/metrics");
        foreach (string name in new[] { "etcd_server_has_leader 1", "etcd_server_leader_changes_seen_total", "etcd_server_proposals_committed_total",
            "etcd_server_proposals_applied_total", "etcd_server_proposals_pending", "etcd_server_proposals_failed_total",
            "etcd_disk_wal_fsync_duration_seconds_bucket", "etcd_disk_backend_commit_duration_seconds", "etcd_mvcc_db_total_size_in_bytes",
            "grpc_server_handled_total{grpc_type=\"unary\",grpc_service=\"etcdserverpb.KV\",grpc_method=\"Put\",grpc_code=\"OK\"}" })
        {
            Assert.Contains(name, metrics);
        }
    }

    [Fact]
    public async Task Json_gateway_puts_and_ranges_with_base64_and_string_int64()
    {
        using var http = new HttpClient();
        HttpResponseMessage put = await http.PostAsync(server.Member.Url + "/v3/kv/put",
            new StringContent("{\"key\":\"Z3c=\",\"value\":\"djE=\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        string range = await (await http.PostAsync(server.Member.Url + "/v3/kv/range",
            new StringContent("{\"key\":\"Z3c=\"}", Encoding.UTF8, "application/json"))).Content.ReadAsStringAsync();
        Assert.Contains("\"value\":\"djE=\"", range);
        Assert.Contains("\"mod_revision\":\"", range);
        HttpResponseMessage bad = await http.PostAsync(server.Member.Url + "/v3/kv/range",
            new StringContent("{\"key\":\"Z3c=\",\"revision\":\"99999999\"}", Encoding.UTF8, "application/json"));
        Assert.Contains("etcdserver: mvcc: required revision is a future revision", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Json_gateway_defragments_and_lists_alarms()
    {
        using var http = new HttpClient();
        HttpResponseMessage defrag = await http.PostAsync(server.Member.Url + "/v3/maintenance/defragment", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, defrag.StatusCode);
        HttpResponseMessage alarms = await http.PostAsync(server.Member.Url + "/v3/maintenance/alarm", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, alarms.StatusCode);
        Assert.DoesNotContain("NOSPACE", await alarms.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Json_gateway_watch_streams_results()
    {
        using var http = new HttpClient();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var request = new HttpRequestMessage(HttpMethod.Post, server.Member.Url + "/v3/watch")
        {
            Content = new StringContent("{\"create_request\":{\"key\":\"Z3d3\"}}", Encoding.UTF8, "application/json"),
        };
        HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        Assert.Contains("\"created\":true", await reader.ReadLineAsync(cancel.Token));
        Etcdctl.Ok(server.Endpoint, "put", "gww", "x");
        string? line = await reader.ReadLineAsync(cancel.Token);
        Assert.StartsWith("{\"result\":", line, StringComparison.Ordinal);
        Assert.Contains("\"value\":\"eA==\"", line);
    }

    /// <summary>As etcd 3.4's grpc-gateway: /v3beta/ serves the same API, a body that is not JSON is a 400 with code 3,
    /// FailedPrecondition is 412 (authenticate without auth), errors list error, message, code in that order, and
    /// /v3/lease/keepalive answers one {"result":...} line.</summary>
    [Fact]
    public async Task Json_gateway_matches_etcd_3_4s_paths_statuses_and_keepalive()
    {
        using var http = new HttpClient();
        async Task<(HttpStatusCode Status, string Body)> Post(string path, string body)
        {
            HttpResponseMessage r = await http.PostAsync(server.Member.Url + path, new StringContent(body, Encoding.UTF8, "application/json"));
            return (r.StatusCode, await r.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.OK, (await Post("/v3beta/kv/put", "{\"key\":\"Z2I=\",\"value\":\"eA==\"}")).Status);
        (HttpStatusCode status, string body) = await Post("/v3/kv/range", "notjson");
        Assert.Equal((HttpStatusCode.BadRequest, true), (status, body.Contains("\"code\":3", StringComparison.Ordinal)));
        (status, body) = await Post("/v3/auth/authenticate", "{\"name\":\"root\",\"password\":\"x\"}");
        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        Assert.Equal("{\"error\":\"etcdserver: authentication is not enabled\",\"message\":\"etcdserver: authentication is not enabled\",\"code\":9}", body);
        (_, body) = await Post("/v3/lease/grant", "{\"TTL\":60}");
        string id = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("ID").GetString()!;
        (status, body) = await Post("/v3/lease/keepalive", "{\"ID\":" + id + "}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("{\"result\":{\"header\":", body, StringComparison.Ordinal);
        Assert.Contains("\"ID\":\"" + id + "\",\"TTL\":\"60\"", body);
    }

    [Fact]
    public async Task Json_gateway_lease_keepalive_renews_and_answers_each_request()
    {
        using var http = new HttpClient();
        string grant = await (await http.PostAsync(server.Member.Url + "/v3/lease/grant",
            new StringContent("{\"TTL\":\"30\"}", Encoding.UTF8, "application/json"))).Content.ReadAsStringAsync();
        string id = System.Text.Json.JsonDocument.Parse(grant).RootElement.GetProperty("ID").GetString()!;

        string body = "{\"ID\":\"" + id + "\"}\n{\"ID\":\"" + id + "\"}";
        HttpResponseMessage response = await http.PostAsync(server.Member.Url + "/v3/lease/keepalive",
            new StringContent(body, Encoding.UTF8, "application/json"));
        string[] lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, line =>
        {
            System.Text.Json.JsonElement result = System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("result");
            Assert.Equal(id, result.GetProperty("ID").GetString());
            Assert.Equal("30", result.GetProperty("TTL").GetString());
        });
        string bad = await (await http.PostAsync(server.Member.Url + "/v3/lease/keepalive",
            new StringContent("{\"ID\":", Encoding.UTF8, "application/json"))).Content.ReadAsStringAsync();
        Assert.Contains("\"grpc_code\":3", bad);
        HttpResponseMessage malformed = await http.PostAsync(server.Member.Url + "/v3/kv/put", new StringContent("{\"key\":", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task Malformed_grpc_frame_gets_an_error_and_the_server_stays_up()
    {
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var body = new ByteArrayContent([0, 0, 0, 0, 5, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        var request = new HttpRequestMessage(HttpMethod.Post, server.Member.Url + "/etcdserverpb.KV/Range") { Content = body, Version = HttpVersion.Version20 };
        HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await response.Content.ReadAsByteArrayAsync();
        string status = response.TrailingHeaders.TryGetValues("grpc-status", out var values) ? values.First()
            : response.Headers.TryGetValues("grpc-status", out var inline) ? inline.First() : "";
        Assert.NotEqual("0", status);
        Assert.NotEqual("", status);
        Assert.Contains("is healthy", Etcdctl.Run(server.Endpoint, "endpoint", "health").All);
    }
}
