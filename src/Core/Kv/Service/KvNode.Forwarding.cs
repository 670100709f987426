using Cairn.Core.Kv.Wire;
using Cairn.Core.Runtime;
using Google.Protobuf;

namespace Cairn.Core.Kv.Service;

/// <summary>
/// Lease keep-alive and time-to-live on any member (etcd forwards them to its leader): a follower forwards
/// the request to its leader through the Raft core (<see cref="NodeRuntime.ForwardToLeader"/>); the leader's
/// KvNode confirms its leadership with a ReadIndex round, lets its lessor answer, and sends the answer back;
/// the follower relays it to its client. Failures (no leader, leader or term change, no answer in time)
/// reach the client as <see cref="KvReplyStatus.NotLeader"/>.
/// </summary>
public sealed partial class KvNode : IForwardedRequestHandler
{
    private readonly SortedSet<ulong> _forwarding = new();
    private ulong _lastWriteRequestId; // only the forward-reply-to-wrong-request canary reads it

    /// <summary>Where a pending read came from when a follower forwarded it: answer it there, not to a client.</summary>
    private sealed record ForwardOrigin(ulong Node, ulong ForwardId);

    /// <summary>Requests this node forwarded to its leader and still waits on.</summary>
    public int PendingForwards => _forwarding.Count;

    /// <inheritdoc />
    public void OnForwardedRequest(ulong from, ulong forwardId, byte[] payload)
    {
        var origin = new ForwardOrigin(from, forwardId);
        KvForwardRequest request;
        try
        {
            request = KvForwardRequest.Parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            AnswerOrigin(origin, KvReplyStatus.Rejected, null, $"malformed forwarded request: {e.Message}");
            return;
        }
        ObserveLeadership();
        ulong internalId = _nextInternalId++;
        switch (request.RequestCase)
        {
            case KvForwardRequest.RequestOneofCase.LeaseKeepAlive:
                StartRead(new PendingRead(internalId, PendingKind.KeepAlive, null, request.LeaseKeepAlive, origin));
                return;
            case KvForwardRequest.RequestOneofCase.LeaseTimeToLive:
                StartRead(new PendingRead(internalId, PendingKind.TimeToLive, null, request.LeaseTimeToLive, origin));
                return;
            default:
                AnswerOrigin(origin, KvReplyStatus.Rejected, null, "forwarded request carries no request");
                return;
        }
    }

    /// <summary>A follower sends a lessor request to its leader; the reply comes back through <see cref="OnReply"/>.</summary>
    private void Forward(ulong requestId, KvForwardRequest request)
    {
        _forwarding.Add(requestId);
        Runtime.ForwardToLeader(requestId, request.ToByteArray()); // may answer synchronously through OnReply
    }

    /// <summary>The end of a forwarded request: relay the leader's answer, or the failure, to the client.</summary>
    private void RelayForwarded(ClientReply reply)
    {
        if (reply.Outcome != ClientOutcome.Answered || reply.Result is null)
        {
            Send(reply.RequestId, StatusOf(reply.Outcome), error: reply.Error);
            return;
        }
        KvForwardResponse answer;
        try
        {
            answer = KvForwardResponse.Parser.ParseFrom(reply.Result);
        }
        catch (InvalidProtocolBufferException e)
        {
            Send(reply.RequestId, KvReplyStatus.Rejected, error: $"malformed answer from the leader: {e.Message}");
            return;
        }
        var status = answer.Status <= (uint)KvReplyStatus.Dropped ? (KvReplyStatus)answer.Status : KvReplyStatus.Rejected;
        // The canary hands the leader's answer to the node's latest write instead of the request it answers.
        ulong target = _bugs.ForwardReplyToWrongRequest && _lastWriteRequestId != 0 && Runtime.IsRequestPending(_lastWriteRequestId)
            ? _lastWriteRequestId
            : reply.RequestId;
        Send(target, status, status == KvReplyStatus.Ok ? answer.Result : null, status == KvReplyStatus.Ok ? null : answer.Error);
    }

    /// <summary>The follower-keepalive-without-leader canary: a follower "renews" a lease it finds in its
    /// applied state without asking the leader, whose lessor goes on timing the lease from its last renewal.</summary>
    private void KeepAliveLocally(ulong requestId, LeaseKeepAliveRequest request)
    {
        long ttl = StateMachine.Leases.Find(request.ID)?.TtlSeconds ?? 0;
        var header = new ResponseHeader { Revision = StateMachine.Revision, RaftTerm = Runtime.Raft.Term, MemberId = Runtime.Raft.Id };
        Send(requestId, KvReplyStatus.Ok, new KvResult { LeaseKeepAlive = new LeaseKeepAliveResponse { Header = header, ID = request.ID, TTL = ttl } });
    }

    /// <summary>Answers a pending read where it came from: the local client, or the follower that forwarded it.</summary>
    private void Answer(PendingRead read, KvReplyStatus status, KvResult? result = null, string? error = null)
    {
        if (read.Origin is { } origin)
        {
            AnswerOrigin(origin, status, result, error);
            return;
        }
        Send(read.RequestId, status, result, error);
    }

    private void AnswerOrigin(ForwardOrigin origin, KvReplyStatus status, KvResult? result, string? error)
    {
        var answer = new KvForwardResponse { Status = (uint)status, Result = result, Error = error ?? "" };
        Runtime.AnswerForwarded(origin.Node, origin.ForwardId, answer.ToByteArray());
    }
}
