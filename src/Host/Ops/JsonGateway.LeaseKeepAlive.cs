using System.Text;
using Cairn.Core.Kv.Wire;
using Cairn.Host.Api;
using Google.Protobuf;
using Grpc.Core;

namespace Cairn.Host.Ops;

internal static partial class JsonGateway
{
    /// <summary>Longest JSON text of one keep-alive request on the gateway stream; a longer one ends the stream.</summary>
    internal const int KeepAliveRequestCharsMax = 4096;

    /// <summary>
    /// grpc-gateway's bidirectional stream for /v3/lease/keepalive: the body is a sequence of
    /// LeaseKeepAliveRequest JSON objects (one is usual: etcd3gw sends <c>{"ID": id}</c>), and each is answered
    /// with a line <c>{"result":{...}}</c> as soon as the leader renewed the lease; the response ends with the body.
    /// An error answers <c>{"error":{...}}</c> and ends the stream, as grpc-gateway does.
    /// </summary>
    private static async Task LeaseKeepAlive(HttpContext http, NodeCalls calls)
    {
        http.Response.ContentType = "application/json";
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var pending = new StringBuilder();
        try
        {
            while (await reader.ReadLineAsync(http.RequestAborted).ConfigureAwait(false) is { } line)
            {
                pending.Append(line).Append('\n');
                if (!TryParseKeepAlive(pending, out LeaseKeepAliveRequest? request)) continue;
                pending.Clear();
                if (!await AnswerKeepAlive(http, calls, request).ConfigureAwait(false)) return;
            }
            if (pending.ToString().Trim().Length > 0)
            {
                await WriteStreamError(http, StatusCode.InvalidArgument, "the /v3/lease/keepalive body must hold LeaseKeepAliveRequest objects").ConfigureAwait(false);
            }
        }
        catch (InvalidDataException e)
        {
            await WriteStreamError(http, StatusCode.InvalidArgument, e.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // the client went away
        }
    }

    /// <summary>Parses the accumulated text as one request; false while it is still incomplete (a request spread
    /// over lines). Text over <see cref="KeepAliveRequestCharsMax"/> or that can never parse is refused.</summary>
    private static bool TryParseKeepAlive(StringBuilder pending, out LeaseKeepAliveRequest request)
    {
        request = new LeaseKeepAliveRequest();
        string text = pending.ToString();
        if (text.Trim().Length == 0) return false;
        try
        {
            request = Parser.Parse<LeaseKeepAliveRequest>(text);
            return true;
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException && text.Length <= KeepAliveRequestCharsMax)
        {
            return false;
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException)
        {
            throw new InvalidDataException($"a /v3/lease/keepalive request is not a LeaseKeepAliveRequest: {e.Message}", e);
        }
    }

    /// <summary>Renews one lease and writes its answer line; false after an error line (the stream ends).</summary>
    private static async Task<bool> AnswerKeepAlive(HttpContext http, NodeCalls calls, LeaseKeepAliveRequest request)
    {
        LeaseKeepAliveResponse response;
        try
        {
            KvResult result = await calls.Call(request, (kv, id) => kv.LeaseKeepAlive(id, request), null).ConfigureAwait(false);
            response = result.LeaseKeepAlive;
            response.Header = calls.Stamp(response.Header);
        }
        catch (RpcException e)
        {
            await WriteStreamError(http, e.StatusCode, e.Status.Detail).ConfigureAwait(false);
            return false;
        }
        await WriteResultLine(http, response).ConfigureAwait(false);
        return true;
    }

    /// <summary>One response of a gateway stream: a line <c>{"result":{...}}</c>, flushed at once (watch and keep-alive).</summary>
    private static async Task WriteResultLine(HttpContext http, IMessage message)
    {
        using var json = System.Text.Json.JsonDocument.Parse(Formatter.Format(message));
        string line = "{\"result\":" + System.Text.Json.JsonSerializer.Serialize(json.RootElement) + "}\n";
        await http.Response.WriteAsync(line, http.RequestAborted).ConfigureAwait(false);
        await http.Response.Body.FlushAsync(http.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>grpc-gateway's error on a stream: <c>{"error":{"grpc_code":c,"http_code":h,"message":m,"http_status":reason}}</c>.</summary>
    private static async Task WriteStreamError(HttpContext http, StatusCode code, string message)
    {
        var error = new Dictionary<string, object>
        {
            ["grpc_code"] = (int)code, ["http_code"] = HttpStatus(code), ["message"] = message,
            ["http_status"] = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(HttpStatus(code)),
        };
        string line = "{\"error\":" + System.Text.Json.JsonSerializer.Serialize(error) + "}\n";
        await http.Response.WriteAsync(line, http.RequestAborted).ConfigureAwait(false);
    }
}
