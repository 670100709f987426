using System.Collections.Concurrent;
using Grpc.Net.Client;

namespace Cairn.Host.Api;

/// <summary>
/// gRPC channels to the current leader's client URL, for the lessor queries (LeaseKeepAlive,
/// LeaseTimeToLive) that only the leader's lessor can answer; etcd forwards these to its leader the same way.
/// Writes and linearizable reads are never forwarded here: the Core forwards them between Raft peers.
/// </summary>
internal sealed class LeaderLink(NodeCalls calls) : IDisposable
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new();

    /// <summary>A channel to the leader, or null when there is none, it is this member, or its client URL is unknown.</summary>
    public GrpcChannel? Leader()
    {
        ulong leader = calls.Node.CurrentLeader;
        if (leader == 0 || leader == calls.Node.Settings.MemberId
            || !calls.Node.Peers.ClientUrls.TryGetValue(leader, out string? urls) || urls.Length == 0)
        {
            return null;
        }
        string url = urls.Split(',')[0];
        return _channels.GetOrAdd(url, u => GrpcChannel.ForAddress(u));
    }

    public void Dispose()
    {
        foreach (GrpcChannel channel in _channels.Values)
        {
            channel.Dispose();
        }
    }
}
