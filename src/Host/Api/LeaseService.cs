using Cairn.Core.Kv.Wire;
using Grpc.Core;
using Lease = Cairn.Host.Api.Wire.Lease;

namespace Cairn.Host.Api;

/// <summary>etcdserverpb.Lease: grant and revoke go through the log; keep-alive and time-to-live are
/// answered by the leader's lessor after it confirms its leadership.</summary>
internal sealed class LeaseService(NodeCalls calls, LeaderLink leader) : Lease.LeaseBase
{
    public override async Task<LeaseGrantResponse> LeaseGrant(LeaseGrantRequest request, ServerCallContext context)
    {
        KvResult result = await calls.Call(request, (kv, id) => kv.LeaseGrant(id, request), context, writes: true).ConfigureAwait(false);
        result.LeaseGrant.Header = calls.Stamp(result.LeaseGrant.Header);
        return result.LeaseGrant;
    }

    public override async Task<LeaseRevokeResponse> LeaseRevoke(LeaseRevokeRequest request, ServerCallContext context)
    {
        KvResult result = await calls.Call(request, (kv, id) => kv.LeaseRevoke(id, request), context).ConfigureAwait(false);
        result.LeaseRevoke.Header = calls.Stamp(result.LeaseRevoke.Header);
        return result.LeaseRevoke;
    }

    public override async Task LeaseKeepAlive(IAsyncStreamReader<LeaseKeepAliveRequest> requestStream,
        IServerStreamWriter<LeaseKeepAliveResponse> responseStream, ServerCallContext context)
    {
        AsyncDuplexStreamingCall<LeaseKeepAliveRequest, LeaseKeepAliveResponse>? forwarded = null;
        try
        {
            while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
            {
                LeaseKeepAliveRequest request = requestStream.Current;
                LeaseKeepAliveResponse response;
                try
                {
                    KvResult result = await calls.Call(request, (kv, id) => kv.LeaseKeepAlive(id, request), context).ConfigureAwait(false);
                    response = result.LeaseKeepAlive;
                    response.Header = calls.Stamp(response.Header);
                }
                catch (RpcException e) when (e.Status.Detail == EtcdErrors.NotLeader.Status.Detail && leader.Leader() is { } channel)
                {
                    forwarded ??= new Lease.LeaseClient(channel).LeaseKeepAlive(cancellationToken: context.CancellationToken);
                    await forwarded.RequestStream.WriteAsync(request, context.CancellationToken).ConfigureAwait(false);
                    if (!await forwarded.ResponseStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
                    {
                        throw EtcdErrors.LeaderChanged;
                    }
                    response = forwarded.ResponseStream.Current;
                }
                await responseStream.WriteAsync(response, context.CancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            forwarded?.Dispose();
        }
    }

    public override async Task<LeaseTimeToLiveResponse> LeaseTimeToLive(LeaseTimeToLiveRequest request, ServerCallContext context)
    {
        try
        {
            KvResult result = await calls.Call(request, (kv, id) => kv.LeaseTimeToLive(id, request), context).ConfigureAwait(false);
            result.LeaseTimeToLive.Header = calls.Stamp(result.LeaseTimeToLive.Header);
            return result.LeaseTimeToLive;
        }
        catch (RpcException e) when (e.Status.Detail == EtcdErrors.NotLeader.Status.Detail && leader.Leader() is { } channel)
        {
            return await new Lease.LeaseClient(channel).LeaseTimeToLiveAsync(request, cancellationToken: context?.CancellationToken ?? default).ConfigureAwait(false);
        }
    }

    public override async Task<LeaseLeasesResponse> LeaseLeases(LeaseLeasesRequest request, ServerCallContext context)
    {
        KvResult result = await calls.Call(request, (kv, id) => kv.LeaseLeases(id), context).ConfigureAwait(false);
        result.LeaseLeases.Header = calls.Stamp(result.LeaseLeases.Header);
        return result.LeaseLeases;
    }
}
