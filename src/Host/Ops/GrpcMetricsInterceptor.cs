using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Cairn.Host.Ops;

/// <summary>Counts RPCs as go-grpc-prometheus does (grpc_server_started_total, grpc_server_handled_total).</summary>
internal sealed class GrpcMetricsInterceptor(HostMetrics metrics) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation) =>
        await Count("unary", context, () => continuation(request, context)).ConfigureAwait(false);

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        Count("bidi_stream", context, async () => { await continuation(requestStream, responseStream, context).ConfigureAwait(false); return 0; });

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        Count("server_stream", context, async () => { await continuation(request, responseStream, context).ConfigureAwait(false); return 0; });

    private async Task<T> Count<T>(string type, ServerCallContext context, Func<Task<T>> call)
    {
        string[] parts = context.Method.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string service = parts.Length > 0 ? parts[0] : "";
        string method = parts.Length > 1 ? parts[1] : "";
        metrics.GrpcStarted.WithLabels(type, service, method).Inc();
        string code = "OK";
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            code = e.StatusCode.ToString();
            throw;
        }
        catch (OperationCanceledException)
        {
            code = "Canceled";
            throw;
        }
        catch (Exception)
        {
            code = "Unknown";
            throw;
        }
        finally
        {
            metrics.GrpcHandled.WithLabels(type, service, method, code).Inc();
        }
    }
}
