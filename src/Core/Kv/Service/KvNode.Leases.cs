using Cairn.Core.Kv.Wire;

namespace Cairn.Core.Kv.Service;

/// <summary>Leases: grant and revoke are replicated; keep-alive and time-to-live are the leader's lessor's
/// (a follower forwards them to its leader, see KvNode.Forwarding.cs).</summary>
public sealed partial class KvNode
{
    /// <summary>etcd LeaseGrant, proposed through the log.</summary>
    /// <param name="requestId">The caller's id.</param>
    /// <param name="request">The grant (ID 0 = the state machine picks one).</param>
    /// <param name="session">The exactly-once stamp.</param>
    public void LeaseGrant(ulong requestId, LeaseGrantRequest request, SessionStamp session = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Propose(requestId, session, new KvCommand { LeaseGrant = request });
    }

    /// <summary>etcd LeaseRevoke, proposed through the log; deletes the attached keys in one revision.</summary>
    /// <param name="requestId">The caller's id.</param>
    /// <param name="request">The revoke.</param>
    /// <param name="session">The exactly-once stamp.</param>
    public void LeaseRevoke(ulong requestId, LeaseRevokeRequest request, SessionStamp session = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Propose(requestId, session, new KvCommand { LeaseRevoke = request });
    }

    /// <summary>etcd LeaseKeepAlive (one request of the stream), on any member. Like etcd's ensureLeadership,
    /// the leader first confirms it still leads (a ReadIndex round), so a deposed leader cannot renew a lease
    /// that the new leader is timing; then its lessor renews the lease. A follower forwards the request to its
    /// leader and relays the answer (NotLeader when there is no leader or it changes first). TTL 0 = unknown
    /// or already expired.</summary>
    /// <param name="requestId">The caller's id.</param>
    /// <param name="request">The keep-alive.</param>
    public void LeaseKeepAlive(ulong requestId, LeaseKeepAliveRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Admit(requestId))
        {
            return;
        }
        ObserveLeadership();
        if (_leading)
        {
            StartRead(new PendingRead(requestId, PendingKind.KeepAlive, null, request));
        }
        else if (_bugs.FollowerKeepAliveWithoutLeader)
        {
            KeepAliveLocally(requestId, request); // canary
        }
        else
        {
            Forward(requestId, new KvForwardRequest { LeaseKeepAlive = request });
        }
    }

    /// <summary>etcd LeaseTimeToLive on any member, answered by the confirmed leader's lessor (a follower
    /// forwards it like <see cref="LeaseKeepAlive"/>). TTL -1 = unknown lease.</summary>
    /// <param name="requestId">The caller's id.</param>
    /// <param name="request">The query.</param>
    public void LeaseTimeToLive(ulong requestId, LeaseTimeToLiveRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Admit(requestId))
        {
            return;
        }
        ObserveLeadership();
        if (_leading)
        {
            StartRead(new PendingRead(requestId, PendingKind.TimeToLive, null, request));
        }
        else
        {
            Forward(requestId, new KvForwardRequest { LeaseTimeToLive = request });
        }
    }

    /// <summary>etcd LeaseLeases: every lease in this replica's applied state (serializable).</summary>
    /// <param name="requestId">The caller's id.</param>
    public void LeaseLeases(ulong requestId)
    {
        if (Admit(requestId))
        {
            Send(requestId, KvReplyStatus.Ok, new KvResult { LeaseLeases = StateMachine.ListLeases() });
        }
    }

    private void AnswerLessor(PendingRead read)
    {
        ObserveLeadership();
        if (!StateMachine.Lessor.IsPrimary)
        {
            Answer(read, KvReplyStatus.NotLeader, error: "etcdserver: not leader");
            return;
        }
        var header = new ResponseHeader { Revision = StateMachine.Revision, RaftTerm = Runtime.Raft.Term, MemberId = Runtime.Raft.Id };
        KvResult result;
        if (read.Kind == PendingKind.KeepAlive)
        {
            LeaseKeepAliveResponse renewed = StateMachine.Lessor.KeepAlive((LeaseKeepAliveRequest)read.LeaseRequest!);
            renewed.Header = header;
            result = new KvResult { LeaseKeepAlive = renewed };
        }
        else
        {
            LeaseTimeToLiveResponse ttl = StateMachine.Lessor.TimeToLive((LeaseTimeToLiveRequest)read.LeaseRequest!);
            ttl.Header = header;
            result = new KvResult { LeaseTimeToLive = ttl };
        }
        Answer(read, KvReplyStatus.Ok, result);
    }
}
