using Cairn.Core.Kv.Wire;
using Cairn.Core.Raft;
using Google.Protobuf;

namespace Cairn.Core.Kv.Service;

/// <summary>The client API: reads, replicated writes and sessions.</summary>
public sealed partial class KvNode
{
    /// <summary>
    /// etcd Range. With <see cref="RangeRequest.Serializable"/> the local applied state answers at once
    /// (possibly stale). Otherwise the read is linearizable: the leader confirms its leadership with a
    /// ReadIndex round and answers once it has applied up to the read index; a follower forwards the ReadIndex
    /// request to its leader and answers once it has applied up to the leader's read index.
    /// </summary>
    /// <param name="requestId">The caller's id, below <see cref="InternalRequestIdMin"/>.</param>
    /// <param name="request">The range.</param>
    public void Range(ulong requestId, RangeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Admit(requestId))
        {
            return;
        }
        ObserveLeadership();
        bool local = request.Serializable
            || (_bugs.ReadWithoutReadIndex && Runtime.Raft.Role == RaftRole.Leader) // canary
            || (_bugs.FollowerLinearizableRead && Runtime.Raft.Role != RaftRole.Leader); // canary
        if (local)
        {
            Send(requestId, KvReplyStatus.Ok, StateMachine.Read(request));
            return;
        }
        StartRead(new PendingRead(requestId, PendingKind.Range, request, null));
    }

    /// <summary>etcd Put, proposed through the log.</summary>
    /// <param name="requestId">The caller's id.</param>
    /// <param name="request">The put.</param>
    /// <param name="session">The exactly-once stamp; <see cref="SessionStamp.None"/> for none.</param>
    public void Put(ulong requestId, PutRequest request, SessionStamp session = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Propose(requestId, session, new KvCommand { Put = request });
    }

    /// <summary>etcd DeleteRange, proposed through the log.</summary>
    /// <param name="requestId">The caller's id.</param>
    /// <param name="request">The delete.</param>
    /// <param name="session">The exactly-once stamp.</param>
    public void DeleteRange(ulong requestId, DeleteRangeRequest request, SessionStamp session = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Propose(requestId, session, new KvCommand { DeleteRange = request });
    }

    /// <summary>etcd Txn, proposed through the log and applied atomically at one revision.</summary>
    /// <param name="requestId">The caller's id.</param>
    /// <param name="request">The transaction.</param>
    /// <param name="session">The exactly-once stamp.</param>
    public void Txn(ulong requestId, TxnRequest request, SessionStamp session = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Propose(requestId, session, new KvCommand { Txn = request });
    }

    /// <summary>etcd Compact, proposed through the log.</summary>
    /// <param name="requestId">The caller's id.</param>
    /// <param name="request">The compaction.</param>
    /// <param name="session">The exactly-once stamp.</param>
    public void Compact(ulong requestId, CompactionRequest request, SessionStamp session = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Propose(requestId, session, new KvCommand { Compaction = request });
    }

    /// <summary>Opens an exactly-once session; the reply's <see cref="RegisterSessionResponse.ClientId"/>
    /// stamps the client's later requests. Register once per client, not per request.</summary>
    /// <param name="requestId">The caller's id.</param>
    public void RegisterSession(ulong requestId) =>
        Propose(requestId, SessionStamp.None, new KvCommand { RegisterSession = new RegisterSessionRequest() });

    private void Propose(ulong requestId, SessionStamp session, KvCommand command)
    {
        if (!Admit(requestId))
        {
            return;
        }
        if (!AdmitQuota(requestId, command))
        {
            return;
        }
        command.ClientId = session.ClientId;
        command.Sequence = session.Sequence;
        if (command.RequestCase is KvCommand.RequestOneofCase.Put or KvCommand.RequestOneofCase.DeleteRange or KvCommand.RequestOneofCase.Txn)
        {
            _lastWriteRequestId = requestId;
        }
        var bytes = command.ToByteArray();
        if (bytes.Length > _options.RequestBytesMax)
        {
            Send(requestId, KvReplyStatus.Rejected, error: KvServiceOptions.RequestTooLargeError);
            return;
        }
        Runtime.Propose(requestId, bytes);
    }

    /// <summary>True while a request with <paramref name="requestId"/> waits here for its answer: a read, a request
    /// forwarded to the leader, or a proposal. A proposal the node forgot (an installed snapshot or its own store
    /// already covered its entry) is no longer pending: it will never be answered here.</summary>
    internal bool IsRequestPending(ulong requestId) =>
        _pendingReads.ContainsKey(requestId) || _forwarding.Contains(requestId) || Runtime.IsRequestPending(requestId);

    /// <summary>Refuses request ids in the node's own range and requests to a stopped node's service.</summary>
    private bool Admit(ulong requestId)
    {
        if (requestId >= InternalRequestIdMin)
        {
            Send(requestId, KvReplyStatus.Rejected, error: $"request ids must be below {InternalRequestIdMin} (InternalRequestIdMin)");
            return false;
        }
        if (IsRequestPending(requestId) && !_bugs.AdmitPendingRequestId)
        {
            // Refused without touching the pending request: its answer must still reach the caller.
            Send(requestId, KvReplyStatus.Rejected, error: $"request id {requestId} is already pending");
            return false;
        }
        return !Runtime.Stopped;
    }
}
