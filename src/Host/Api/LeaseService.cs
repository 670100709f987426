using Cairn.Core.Kv.Wire;
using Grpc.Core;
using Lease = Cairn.Host.Api.Wire.Lease;

namespace Cairn.Host.Api;

/// <summary>etcdserverpb.Lease: grant and revoke go through the log; keep-alive and time-to-live are
/// answered by the leader's lessor after it confirms its leadership (a follower's Core forwards them to its
/// leader between Raft peers and relays the answer).</summary>
internal sealed class LeaseService(NodeCalls calls) : Lease.LeaseBase
{
    public override async Task<LeaseGrantResponse> LeaseGrant(LeaseGrantRequest request, ServerCallContext context)
    {
        KvResult result = await calls.Call(request, (kv, id) => kv.LeaseGrant(id, request), context).ConfigureAwait(false);
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
        while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            LeaseKeepAliveRequest request = requestStream.Current;
            KvResult result = await calls.Call(request, (kv, id) => kv.LeaseKeepAlive(id, request), context).ConfigureAwait(false);
            result.LeaseKeepAlive.Header = calls.Stamp(result.LeaseKeepAlive.Header);
            await responseStream.WriteAsync(result.LeaseKeepAlive, context.CancellationToken).ConfigureAwait(false);
        }
    }

    public override async Task<LeaseTimeToLiveResponse> LeaseTimeToLive(LeaseTimeToLiveRequest request, ServerCallContext context)
    {
        KvResult result = await calls.Call(request, (kv, id) => kv.LeaseTimeToLive(id, request), context).ConfigureAwait(false);
        result.LeaseTimeToLive.Header = calls.Stamp(result.LeaseTimeToLive.Header);
        return result.LeaseTimeToLive;
    }

    public override async Task<LeaseLeasesResponse> LeaseLeases(LeaseLeasesRequest request, ServerCallContext context)
    {
        KvResult result = await calls.Call(request, (kv, id) => kv.LeaseLeases(id), context).ConfigureAwait(false);
        result.LeaseLeases.Header = calls.Stamp(result.LeaseLeases.Header);
        return result.LeaseLeases;
    }
}
