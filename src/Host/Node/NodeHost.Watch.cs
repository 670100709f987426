using System.Threading.Channels;
using Cairn.Core.Kv;
using Cairn.Core.Kv.Wire;

namespace Cairn.Host.Node;

/// <summary>
/// Watch routing: the Core's watch ids are node-wide; each gRPC stream has its own ids (etcd's are per
/// stream, chosen by the client or from 0 up). The map from node-wide id to (stream, stream id) lives on the loop.
/// </summary>
internal sealed partial class NodeHost
{
    private readonly Dictionary<long, (WatchStream Stream, long StreamWatchId)> _watchRoutes = [];
    private WatchStream? _creating;
    private long _creatingId;

    /// <inheritdoc />
    public void OnWatchResponse(WatchResponse response)
    {
        if (_watchRoutes.TryGetValue(response.WatchId, out var route))
        {
            if (response.Canceled)
            {
                _watchRoutes.Remove(response.WatchId);
                route.Stream.Forget(route.StreamWatchId);
            }
            route.Stream.Deliver(Rewrite(response, route.StreamWatchId));
            return;
        }
        if (_creating is not null)
        {
            // The "created" response (or the refusal) of the watch being created right now.
            if (response.WatchId != WatchHub.InvalidWatchId && !response.Canceled)
            {
                _watchRoutes[response.WatchId] = (_creating, _creatingId);
                _creating.Remember(_creatingId, response.WatchId);
            }
            _creating.Deliver(Rewrite(response, _creatingId));
        }
    }

    /// <summary>On the loop: creates a watch for <paramref name="stream"/> under the stream's id.</summary>
    public void CreateWatch(WatchStream stream, long streamWatchId, WatchCreateRequest request)
    {
        var forCore = request.Clone();
        forCore.WatchId = 0;
        _creating = stream;
        _creatingId = streamWatchId;
        try
        {
            Kv.WatchCreate(forCore);
        }
        finally
        {
            _creating = null;
        }
    }

    /// <summary>On the loop: cancels a stream's watch (its canceled response follows).</summary>
    public void CancelWatch(WatchStream stream, long streamWatchId)
    {
        if (stream.CoreId(streamWatchId) is long coreId)
        {
            Kv.WatchCancel(coreId);
        }
    }

    /// <summary>On the loop: asks every watch of the stream for a progress notification.</summary>
    public void RequestProgress(WatchStream stream)
    {
        foreach (long coreId in stream.CoreIds())
        {
            Kv.StateMachine.Watches.RequestProgress(coreId);
        }
        Kv.FlushWatches();
    }

    /// <summary>On the loop: the stream ended, cancel all its watches silently.</summary>
    public void CloseWatches(WatchStream stream)
    {
        foreach (long coreId in stream.CoreIds())
        {
            _watchRoutes.Remove(coreId);
            Kv.StateMachine.Watches.Cancel(coreId);
        }
    }

    private static WatchResponse Rewrite(WatchResponse response, long streamWatchId)
    {
        var copy = response.Clone();
        copy.WatchId = streamWatchId;
        return copy;
    }
}

/// <summary>One client watch stream: its outgoing responses and its watch ids.</summary>
internal sealed class WatchStream
{
    /// <summary>Most responses waiting to be written to one stream; beyond it the stream is closed.</summary>
    public const int QueuedResponsesMax = 8192;

    private readonly Dictionary<long, long> _coreIds = []; // touched on the loop only

    /// <summary>Stream watch ids that asked for fragmented responses.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<long, bool> Fragmented { get; } = new();

    public Channel<WatchResponse> Outgoing { get; } = Channel.CreateBounded<WatchResponse>(
        new BoundedChannelOptions(QueuedResponsesMax) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public void Deliver(WatchResponse response)
    {
        if (!Outgoing.Writer.TryWrite(response))
        {
            Outgoing.Writer.TryComplete(new InvalidOperationException("watch stream overflowed: the client reads too slowly"));
        }
    }

    public void Remember(long streamId, long coreId) => _coreIds[streamId] = coreId;

    public void Forget(long streamId) => _coreIds.Remove(streamId);

    public long? CoreId(long streamId) => _coreIds.TryGetValue(streamId, out long core) ? core : null;

    public bool Has(long streamId) => _coreIds.ContainsKey(streamId);

    public List<long> CoreIds() => [.. _coreIds.Values];
}
