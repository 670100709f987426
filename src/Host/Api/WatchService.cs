using Cairn.Core.Kv.Wire;
using Cairn.Host.Node;
using Grpc.Core;
using Watch = Cairn.Host.Api.Wire.Watch;

namespace Cairn.Host.Api;

/// <summary>
/// etcdserverpb.Watch: one bidirectional stream carries many watches. Creates, cancels and progress
/// requests become loop inputs; responses come back through the stream's queue. A stream opened with
/// the <c>hasleader</c> metadata (Kubernetes sends it) is refused with "no leader" while there is none.
/// </summary>
internal sealed class WatchService(NodeCalls calls) : Watch.WatchBase
{
    /// <summary>Most watches one stream may hold.</summary>
    public const int WatchesPerStreamMax = 1024;

    public override async Task Watch(IAsyncStreamReader<WatchRequest> requestStream, IServerStreamWriter<WatchResponse> responseStream, ServerCallContext context)
    {
        NodeHost node = calls.Node;
        bool requireLeader = context.RequestHeaders.GetValue("hasleader") == "true";
        if (requireLeader && node.CurrentLeader == 0)
        {
            throw EtcdErrors.NoLeader;
        }
        var stream = new WatchStream();
        using var done = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        Task writer = Write(stream, responseStream, done.Token);
        try
        {
            long nextId = 0;
            var used = new HashSet<long>();
            while (await requestStream.MoveNext(done.Token).ConfigureAwait(false))
            {
                WatchRequest request = requestStream.Current;
                switch (request.RequestUnionCase)
                {
                    case WatchRequest.RequestUnionOneofCase.CreateRequest:
                        WatchCreateRequest create = request.CreateRequest;
                        long streamId = create.WatchId != 0 ? create.WatchId : NextFree(ref nextId, used);
                        if (used.Contains(streamId) || used.Count >= WatchesPerStreamMax)
                        {
                            stream.Deliver(new WatchResponse { Header = calls.Header(), WatchId = -1, Created = true, Canceled = true,
                                CancelReason = used.Contains(streamId) ? "etcdserver: duplicate watch ID" : "etcdserver: too many watches on this stream" });
                            continue;
                        }
                        used.Add(streamId);
                        if (create.Fragment)
                        {
                            stream.Fragmented[streamId] = true;
                        }
                        Post(() => node.CreateWatch(stream, streamId, create));
                        break;
                    case WatchRequest.RequestUnionOneofCase.CancelRequest:
                        long cancelId = request.CancelRequest.WatchId;
                        used.Remove(cancelId);
                        Post(() => node.CancelWatch(stream, cancelId));
                        break;
                    case WatchRequest.RequestUnionOneofCase.ProgressRequest:
                        Post(() => node.RequestProgress(stream));
                        break;
                }
            }
        }
        finally
        {
            node.Loop.Post(() => node.CloseWatches(stream));
            stream.Outgoing.Writer.TryComplete();
            await done.CancelAsync().ConfigureAwait(false);
            await writer.ConfigureAwait(false);
        }
    }

    private void Post(Action input)
    {
        if (!calls.Node.Loop.TryPost(input))
        {
            throw EtcdErrors.TooManyRequests;
        }
    }

    /// <summary>etcd's fragment: a response larger than --max-request-bytes, for a watch that asked for
    /// fragments, is split across responses; every part but the last carries fragment = true.</summary>
    private IEnumerable<WatchResponse> Fragment(WatchResponse response, WatchStream stream)
    {
        int limit = calls.Node.Settings.Flags.MaxRequestBytes;
        if (response.Events.Count < 2 || !stream.Fragmented.ContainsKey(response.WatchId) || response.CalculateSize() <= limit)
        {
            yield return response;
            yield break;
        }
        var part = Empty(response);
        foreach (Event e in response.Events)
        {
            if (part.Events.Count > 0 && part.CalculateSize() + e.CalculateSize() > limit)
            {
                part.Fragment = true;
                yield return part;
                part = Empty(response);
            }
            part.Events.Add(e);
        }
        yield return part;
    }

    private static WatchResponse Empty(WatchResponse like) => new() { Header = like.Header, WatchId = like.WatchId };

    private static long NextFree(ref long next, HashSet<long> used)
    {
        while (used.Contains(next))
        {
            next++;
        }
        return next++;
    }

    private async Task Write(WatchStream stream, IServerStreamWriter<WatchResponse> output, CancellationToken cancel)
    {
        try
        {
            await foreach (WatchResponse response in stream.Outgoing.Reader.ReadAllAsync(cancel).ConfigureAwait(false))
            {
                response.Header = calls.Stamp(response.Header);
                foreach (WatchResponse part in Fragment(response, stream))
                {
                    await output.WriteAsync(part, cancel).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stream closed
        }
        catch (InvalidOperationException)
        {
            // overflowed or the call ended
        }
    }
}
