using Cairn.Core.Raft;

namespace Cairn.Core.Runtime;

/// <summary>Serves leader-only requests that followers forward (see <see cref="NodeRuntime.ForwardedRequests"/>).</summary>
public interface IForwardedRequestHandler
{
    /// <summary>A follower forwarded <paramref name="payload"/> to this leader. Answer exactly once with
    /// <see cref="NodeRuntime.AnswerForwarded"/> (null refuses); an unanswered request fails at the follower
    /// after <see cref="RaftNode.ForwardedRequestElectionsMax"/> election timeouts.</summary>
    /// <param name="from">The follower.</param>
    /// <param name="forwardId">The follower's id for the request; pass it back unchanged.</param>
    /// <param name="payload">The application's request bytes.</param>
    void OnForwardedRequest(ulong from, ulong forwardId, byte[] payload);
}

/// <summary>
/// Request/response forwarding of leader-only application requests (etcd forwards lease keep-alive and
/// time-to-live to its leader). A follower's request gets a wire id from the same incarnation-unique key space
/// as proposals, so an answer meant for an earlier incarnation never matches; the client's request id stays
/// local. The client gets <see cref="ClientOutcome.Answered"/> with the leader's bytes, or
/// <see cref="ClientOutcome.NotLeader"/> when there is no leader to ask, the leader refused, the leader or term
/// changed, or no answer came within <see cref="RaftNode.ForwardedRequestElectionsMax"/> election timeouts.
/// </summary>
public sealed partial class NodeRuntime
{
    private readonly SortedDictionary<ulong, ulong> _forwards = new(); // wire id -> client request id

    /// <summary>The application serving requests forwarded to this node while it leads; null refuses them all.</summary>
    public IForwardedRequestHandler? ForwardedRequests { get; set; }

    /// <summary>Requests this node forwarded to its leader and still waits on.</summary>
    public int PendingForwards => _forwards.Count;

    /// <summary>
    /// Sends a leader-only request to the leader this follower knows. The reply arrives through the sink:
    /// <see cref="ClientOutcome.Answered"/> (result = the leader's answer) or <see cref="ClientOutcome.NotLeader"/>
    /// (also at once when this node leads, knows no leader, or is over <see cref="RaftNode.ForwardedRequestsMax"/>).
    /// A request id that is already pending here is refused (<see cref="ClientOutcome.Rejected"/>).
    /// </summary>
    public void ForwardToLeader(ulong requestId, byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (Stopped || RefuseIfPending(requestId)) return;
        var wireId = _proposalKeyBase + ++_proposalSeq;
        if (!Raft.ForwardRequest(wireId, payload))
        {
            Reply(requestId, ClientOutcome.NotLeader, error: "no leader to forward to (this node leads, knows no leader, or is over ForwardedRequestsMax)");
            return;
        }
        _forwards[wireId] = requestId;
        _pendingRequests.Add(requestId);
        Drain();
    }

    /// <summary>The leader answers a request handed to <see cref="ForwardedRequests"/>; null refuses it.</summary>
    public void AnswerForwarded(ulong to, ulong forwardId, byte[]? answer)
    {
        if (Stopped) return;
        Raft.RespondToForward(to, forwardId, answer);
        Drain();
    }

    private void CarryForwards(Ready ready)
    {
        foreach (var request in ready.ForwardedRequests)
        {
            if (ForwardedRequests is { } handler) handler.OnForwardedRequest(request.From, request.RequestId, request.Payload);
            else Raft.RespondToForward(request.From, request.RequestId, null);
        }
        foreach (var response in ready.ForwardResponses)
        {
            if (!_forwards.Remove(response.RequestId, out var requestId)) continue;
            if (response.Payload is null) Reply(requestId, ClientOutcome.NotLeader, error: "the leader refused the forwarded request, or leadership changed first");
            else Reply(requestId, ClientOutcome.Answered, result: response.Payload);
        }
    }
}
