using Cairn.Core.Raft.Wire;
using Google.Protobuf;

namespace Cairn.Core.Raft;

/// <summary>A leader-only request a follower forwarded to this leader (<see cref="Ready.ForwardedRequests"/>).</summary>
/// <param name="From">The follower that asked; answer it with <see cref="RaftNode.RespondToForward"/>.</param>
/// <param name="RequestId">The follower's id for the request.</param>
/// <param name="Payload">The application's opaque request.</param>
public readonly record struct ForwardedRequest(ulong From, ulong RequestId, byte[] Payload);

/// <summary>The end of a request this follower forwarded (<see cref="Ready.ForwardResponses"/>).</summary>
/// <param name="RequestId">The id given to <see cref="RaftNode.ForwardRequest"/>.</param>
/// <param name="Payload">The leader's opaque answer, or null when the request failed: the leader refused it (not
/// leader), the follower's leader or term changed, or no answer came in time.</param>
public readonly record struct ForwardResponse(ulong RequestId, byte[]? Payload);

/// <summary>
/// Request/response forwarding for application requests only the leader can answer (etcd forwards lease
/// keep-alive and time-to-live to its leader). A follower sends MSG_FORWARD_REQUEST (context = its request id,
/// payload opaque) to the leader it knows; the leader hands it to its application through
/// <see cref="Ready.ForwardedRequests"/> and answers with <see cref="RespondToForward"/>. The follower accepts
/// an answer only from the leader it asked, in the term it asked, for a request still pending — so duplicated,
/// reordered and stale answers are dropped — and fails its pending requests at once when its leader or term
/// changes, or after <see cref="ForwardedRequestElectionsMax"/> election timeouts without an answer.
/// </summary>
public sealed partial class RaftNode
{
    /// <summary>Most forwarded requests a follower waits on at once; beyond it <see cref="ForwardRequest"/> refuses.</summary>
    public const int ForwardedRequestsMax = 4096;

    /// <summary>Most forwarded requests a leader hands to its application in one Ready; beyond it it refuses them.</summary>
    public const int IncomingForwardsMax = 4096;

    /// <summary>Election timeouts a forwarded request may wait for its answer before it fails.</summary>
    public const int ForwardedRequestElectionsMax = 2;

    private readonly SortedDictionary<ulong, (ulong Leader, ulong Term, long AskedAt)> _forwardedRequests = new();
    private readonly List<ForwardedRequest> _incomingForwards = new();
    private readonly List<ForwardResponse> _forwardResponses = new();

    /// <summary>Requests this follower forwarded and still waits on.</summary>
    public int ForwardedRequestsPending => _forwardedRequests.Count;

    /// <summary>
    /// A follower that knows its leader sends it <paramref name="payload"/> under <paramref name="requestId"/>
    /// (non-zero, unique per follower incarnation). False, sending nothing, when this node is not a follower
    /// with a known leader, the id is already pending, <see cref="ForwardedRequestsMax"/> are pending, or the
    /// payload exceeds <see cref="RaftOptions.ProposalBytesMax"/>. The answer comes in <see cref="Ready.ForwardResponses"/>.
    /// </summary>
    public bool ForwardRequest(ulong requestId, byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (requestId == 0 || Role != RaftRole.Follower || Leader == 0) return false;
        if (payload.Length > _options.ProposalBytesMax || _forwardedRequests.Count >= ForwardedRequestsMax) return false;
        if (!_forwardedRequests.TryAdd(requestId, (Leader, Term, _ticks))) return false;
        Send(new Message { Type = MessageType.MsgForwardRequest, To = Leader, Context = requestId, Payload = ByteString.CopyFrom(payload) }, afterPersist: false);
        return true;
    }

    /// <summary>The leader answers a request from <see cref="Ready.ForwardedRequests"/>; a null
    /// <paramref name="payload"/> refuses it (the follower reports it failed). Payloads over
    /// <see cref="RaftOptions.ProposalBytesMax"/> are refused the same way.</summary>
    public void RespondToForward(ulong to, ulong requestId, byte[]? payload)
    {
        if (to == Id || !_options.Peers.Contains(to)) return;
        var m = new Message { Type = MessageType.MsgForwardResponse, To = to, Context = requestId };
        if (payload is null || payload.Length > _options.ProposalBytesMax) m.Reject = true;
        else m.Payload = ByteString.CopyFrom(payload);
        Send(m, afterPersist: false);
    }

    /// <summary>Only a leader serves forwarded requests; anyone else, or a leader over its limit, refuses at once.</summary>
    private void HandleForwardRequest(Message m)
    {
        if (Role != RaftRole.Leader || m.Context == 0 || _incomingForwards.Count >= IncomingForwardsMax)
        {
            Send(new Message { Type = MessageType.MsgForwardResponse, To = m.From, Context = m.Context, Reject = true }, afterPersist: false);
            return;
        }
        _incomingForwards.Add(new ForwardedRequest(m.From, m.Context, m.Payload.ToByteArray()));
    }

    /// <summary>Accepts the first answer from the leader asked, in the term asked; drops every other one.</summary>
    private void HandleForwardResponse(Message m)
    {
        if (!_forwardedRequests.TryGetValue(m.Context, out var asked) || asked.Leader != m.From || asked.Term != Term) return;
        _forwardedRequests.Remove(m.Context);
        _forwardResponses.Add(new ForwardResponse(m.Context, m.Reject ? null : m.Payload.ToByteArray()));
    }

    /// <summary>The leader asked will not answer in a later term: every pending forwarded request fails now.</summary>
    private void FailForwardedRequests()
    {
        foreach (var id in _forwardedRequests.Keys) _forwardResponses.Add(new ForwardResponse(id, null));
        _forwardedRequests.Clear();
    }

    /// <summary>Fails forwarded requests whose answer is overdue (request or answer lost), so the table drains.</summary>
    private void ExpireForwardedRequests()
    {
        if (_forwardedRequests.Count == 0) return;
        var deadline = _ticks - (long)ForwardedRequestElectionsMax * _options.ElectionTicks;
        List<ulong>? overdue = null;
        foreach (var (id, asked) in _forwardedRequests)
            if (asked.AskedAt <= deadline) (overdue ??= new()).Add(id);
        if (overdue is null) return;
        foreach (var id in overdue)
        {
            _forwardedRequests.Remove(id);
            _forwardResponses.Add(new ForwardResponse(id, null));
        }
    }

    private bool HasForwardWork => _incomingForwards.Count > 0 || _forwardResponses.Count > 0;

    private void TakeForwardWork(Ready ready)
    {
        ready.ForwardedRequests.AddRange(_incomingForwards);
        ready.ForwardResponses.AddRange(_forwardResponses);
        _incomingForwards.Clear();
        _forwardResponses.Clear();
    }
}
