using Cairn.Core.Kv.Wire;
using Cairn.Host.Api;
using Cairn.Host.Api.Wire;
using Google.Protobuf;
using Grpc.Core;

namespace Cairn.Host.Ops;

/// <summary>
/// etcd's HTTP/JSON gateway (grpc-gateway): POST /v3/kv/range and the rest, bodies in proto3 JSON with
/// etcd's field names, bytes as base64 and 64-bit integers as strings. Errors answer
/// <c>{"error": msg, "message": msg, "code": grpc code}</c> with the HTTP status etcd 3.4's grpc-gateway (v1) maps the
/// code to. Every path is served under <c>/v3/</c> and, as etcd 3.4, under the deprecated <c>/v3beta/</c>.
/// </summary>
internal static partial class JsonGateway
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true));

    private static readonly string[] Versions = ["/v3/", "/v3beta/"];

    public static void Map(WebApplication app)
    {
        foreach (string version in Versions)
        {
            MapVersion(app, version);
        }
    }

    private static void MapVersion(WebApplication app, string v)
    {
        Unary<RangeRequest>(app, v + "kv/range", (s, r) => s.Get<KvService>().Range(r, null!));
        Unary<PutRequest>(app, v + "kv/put", (s, r) => s.Get<KvService>().Put(r, null!));
        Unary<DeleteRangeRequest>(app, v + "kv/deleterange", (s, r) => s.Get<KvService>().DeleteRange(r, null!));
        Unary<TxnRequest>(app, v + "kv/txn", (s, r) => s.Get<KvService>().Txn(r, null!));
        Unary<CompactionRequest>(app, v + "kv/compaction", (s, r) => s.Get<KvService>().Compact(r, null!));
        Unary<LeaseGrantRequest>(app, v + "lease/grant", (s, r) => s.Get<LeaseService>().LeaseGrant(r, null!));
        Unary<LeaseRevokeRequest>(app, v + "lease/revoke", (s, r) => s.Get<LeaseService>().LeaseRevoke(r, null!));
        Unary<LeaseRevokeRequest>(app, v + "kv/lease/revoke", (s, r) => s.Get<LeaseService>().LeaseRevoke(r, null!));
        Unary<LeaseTimeToLiveRequest>(app, v + "lease/timetolive", (s, r) => s.Get<LeaseService>().LeaseTimeToLive(r, null!));
        Unary<LeaseTimeToLiveRequest>(app, v + "kv/lease/timetolive", (s, r) => s.Get<LeaseService>().LeaseTimeToLive(r, null!));
        Unary<LeaseLeasesRequest>(app, v + "lease/leases", (s, r) => s.Get<LeaseService>().LeaseLeases(r, null!));
        Unary<LeaseLeasesRequest>(app, v + "kv/lease/leases", (s, r) => s.Get<LeaseService>().LeaseLeases(r, null!));
        Unary<MemberListRequest>(app, v + "cluster/member/list", (s, r) => s.Get<ClusterService>().MemberList(r, null!));
        Unary<StatusRequest>(app, v + "maintenance/status", (s, r) => s.Get<MaintenanceService>().Status(r, null!));
        Unary<HashKVRequest>(app, v + "maintenance/hashkv", (s, r) => s.Get<MaintenanceService>().HashKV(r, null!));
        Unary<AlarmRequest>(app, v + "maintenance/alarm", (s, r) => s.Get<MaintenanceService>().Alarm(r, null!));
        Unary<DefragmentRequest>(app, v + "maintenance/defragment", (s, r) => s.Get<MaintenanceService>().Defragment(r, null!));
        Unary<AuthStatusRequest>(app, v + "auth/status", (s, r) => s.Get<AuthService>().AuthStatus(r, null!));
        Unary<AuthenticateRequest>(app, v + "auth/authenticate", (s, r) => s.Get<AuthService>().Authenticate(r, null!));
        app.MapPost(v + "watch", Watch);
        app.MapPost(v + "lease/keepalive", LeaseKeepAlive);
    }

    /// <summary>grpc-gateway's server stream for /v3/watch: the body is one WatchRequest (a create), and every
    /// response is written as <c>{"result":{...}}</c> and a newline until the client disconnects.</summary>
    private static async Task Watch(HttpContext http, Node.NodeHost node, NodeCalls calls)
    {
        WatchRequest request;
        try
        {
            using var reader = new StreamReader(http.Request.Body);
            request = Parser.Parse<WatchRequest>(await reader.ReadToEndAsync(http.RequestAborted).ConfigureAwait(false));
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException)
        {
            await Error(StatusCode.InvalidArgument, e.Message).ExecuteAsync(http).ConfigureAwait(false);
            return;
        }
        if (request.RequestUnionCase != WatchRequest.RequestUnionOneofCase.CreateRequest)
        {
            await Error(StatusCode.InvalidArgument, "the /v3/watch body must be a create_request").ExecuteAsync(http).ConfigureAwait(false);
            return;
        }
        var stream = new Node.WatchStream();
        if (!node.Loop.TryPost(() => node.CreateWatch(stream, 0, request.CreateRequest)))
        {
            await Error(StatusCode.ResourceExhausted, "etcdserver: too many requests").ExecuteAsync(http).ConfigureAwait(false);
            return;
        }
        http.Response.ContentType = "application/json";
        try
        {
            await foreach (WatchResponse response in stream.Outgoing.Reader.ReadAllAsync(http.RequestAborted).ConfigureAwait(false))
            {
                response.Header = calls.Stamp(response.Header);
                await WriteResultLine(http, response).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // the client went away
        }
        finally
        {
            node.Loop.Post(() => node.CloseWatches(stream));
        }
    }

    private static async Task<T> Body<T>(HttpContext http)
        where T : IMessage<T>, new()
    {
        using var reader = new StreamReader(http.Request.Body);
        string body = await reader.ReadToEndAsync(http.RequestAborted).ConfigureAwait(false);
        return body.Trim().Length == 0 ? new T() : Parser.Parse<T>(body);
    }

    private static T Get<T>(this IServiceProvider services) => ActivatorUtilities.CreateInstance<T>(services);

    private static void Unary<TRequest>(WebApplication app, string path, Func<IServiceProvider, TRequest, Task> handler)
        where TRequest : IMessage<TRequest>, new()
    {
        app.MapPost(path, async (HttpContext http) =>
        {
            TRequest request;
            try
            {
                request = await Body<TRequest>(http).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException)
            {
                return Error(StatusCode.InvalidArgument, e.Message);
            }
            try
            {
                var task = handler(http.RequestServices, request);
                await task.ConfigureAwait(false);
                var response = (IMessage)task.GetType().GetProperty("Result")!.GetValue(task)!;
                using var json = System.Text.Json.JsonDocument.Parse(Formatter.Format(response));
                return Results.Text(System.Text.Json.JsonSerializer.Serialize(json.RootElement), "application/json"); // compact, as grpc-gateway
            }
            catch (RpcException e)
            {
                return Error(e.StatusCode, e.Status.Detail);
            }
        });
    }

    /// <summary>grpc-gateway v1's error body, its fields in etcd 3.4's order: error, message, code.</summary>
    private static IResult Error(StatusCode code, string message) =>
        Results.Json(new Dictionary<string, object> { ["error"] = message, ["message"] = message, ["code"] = (int)code }, statusCode: HttpStatus(code));

    /// <summary>grpc-gateway v1's HTTPStatusFromCode, as etcd 3.4 answers (FailedPrecondition is 412 there, e.g.
    /// "authentication is not enabled"; Canceled 408).</summary>
    private static int HttpStatus(StatusCode code) => code switch
    {
        StatusCode.OK => 200,
        StatusCode.Cancelled => 408,
        StatusCode.FailedPrecondition => 412,
        StatusCode.InvalidArgument or StatusCode.OutOfRange => 400,
        StatusCode.DeadlineExceeded => 504,
        StatusCode.NotFound => 404,
        StatusCode.AlreadyExists or StatusCode.Aborted => 409,
        StatusCode.PermissionDenied => 403,
        StatusCode.Unauthenticated => 401,
        StatusCode.ResourceExhausted => 429,
        StatusCode.Unimplemented => 501,
        StatusCode.Unavailable => 503,
        _ => 500,
    };
}
