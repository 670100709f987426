using Cairn.Core.Kv.Service;
using Cairn.Core.Kv.Wire;
using Cairn.Host.Node;
using Google.Protobuf;
using Grpc.Core;

namespace Cairn.Host.Api;

/// <summary>How every API call reaches the node: size check, the request into the loop, the answer
/// or the etcd error out, and the response header stamped with cluster, member and term.</summary>
internal sealed class NodeCalls(NodeHost node)
{
    public NodeHost Node => node;

    /// <summary>Sends a request and returns the node's result, or throws etcd's error.</summary>
    public async Task<KvResult> Call(IMessage request, Action<KvNode, ulong> start, ServerCallContext? context)
    {
        if (request.CalculateSize() > node.Settings.Flags.MaxRequestBytes)
        {
            throw EtcdErrors.RequestTooLarge;
        }
        KvReply reply;
        try
        {
            reply = await node.Request(start, context?.CancellationToken ?? CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw node.CurrentLeader == 0 ? EtcdErrors.NoLeader : EtcdErrors.Timeout;
        }
        catch (LoopBusyException)
        {
            throw EtcdErrors.TooManyRequests;
        }
        if (reply.Status != KvReplyStatus.Ok || reply.Result is null)
        {
            node.Metrics.ProposalsFailed.Inc();
            throw EtcdErrors.For(reply);
        }
        if (reply.Result.ResultCase == KvResult.ResultOneofCase.Error)
        {
            throw EtcdErrors.For(reply.Result.Error);
        }
        return reply.Result;
    }

    /// <summary>Runs a query on the loop.</summary>
    public async Task<T> Ask<T>(Func<T> query)
    {
        try
        {
            return await node.Loop.Ask(query).WaitAsync(node.Settings.RequestTimeout).ConfigureAwait(false);
        }
        catch (LoopBusyException)
        {
            throw EtcdErrors.TooManyRequests;
        }
        catch (TimeoutException)
        {
            throw EtcdErrors.Timeout;
        }
    }

    /// <summary>Fills the header's cluster id, member id and term (the revision comes from the node).</summary>
    public ResponseHeader Stamp(ResponseHeader? header)
    {
        header ??= new ResponseHeader();
        header.ClusterId = node.Settings.ClusterId;
        header.MemberId = node.Settings.MemberId;
        header.RaftTerm = node.CurrentTerm;
        return header;
    }

    /// <summary>A fresh header at the node's current revision.</summary>
    public ResponseHeader Header() => Stamp(new ResponseHeader { Revision = node.CurrentRevision });
}
