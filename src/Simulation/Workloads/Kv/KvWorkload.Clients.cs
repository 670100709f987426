using Cairn.Core.Kv.Service;
using Cairn.Core.Kv.Wire;
using Cairn.Simulation.Engine;
using Cairn.Simulation.World;

namespace Cairn.Simulation.Workloads.Kv;

/// <summary>KV clients: issue, retry under the same session stamp, complete or give up.</summary>
public sealed partial class KvWorkload
{
    private void OnClientWake(KvClient c, long token, object? payload)
    {
        if (token == ClientRetryLoop.StartToken && c.Operation is null) { StartNext(c); return; }
        if (token == ClientRetryLoop.RetryToken) { Send(c); return; }
        // A late answer to an attempt of an earlier operation can carry the id the client waits on now, when a
        // reuser handed that id back to it (client 2's id taken by client 0, then by client 2 again): it is not
        // this operation's outcome.
        if (payload is (KvAttempt { } answered, KvReply) && !ReferenceEquals(answered.Operation, c.Operation)) return;
        if (!_loop.Claim(c, token)) return; // a late answer to an attempt already given up on
        if (payload is not (KvAttempt attempt, KvReply reply))
        {
            if (!_loop.OnTimeout(c, Send)) GiveUp(c);
            return;
        }
        if (attempt.Reused && IsReusedIdRefusal(reply))
        {
            // The node refused our reused id while another client's request held it: a definite failure of
            // this request only (it never entered the node); the other request keeps its own outcome.
            ReusedIdRefusals++;
            GiveUp(c);
            return;
        }
        bool retrying = reply.Status switch
        {
            KvReplyStatus.Ok => false,
            KvReplyStatus.NotLeader => _loop.OnNotLeader(c, reply.LeaderHint, Send),
            _ => _loop.OnRefused(c, Send), // rejected (a limit, or our fresh id was taken by a reuser), dropped
        };
        if (reply.Status == KvReplyStatus.Ok) Complete(c, reply.Result!);
        else if (!retrying) GiveUp(c);
    }

    private void StartNext(KvClient c)
    {
        KvOperation op = c.ClientId == 0 ? KvOperationDraw.RegisterSession() : _draw.Next(c);
        if (_largeValues) LargeValues.Pad(op.Request);
        c.Operation = op;
        if (op.Request is Cairn.Core.Kv.Wire.CompactionRequest compaction) _compactionRequestedMax = Math.Max(_compactionRequestedMax, compaction.Revision);
        c.Attempts = 0;
        c.MaybeApplied = false;
        c.InvokedAt = _world.Now;
        c.Stamp = op.Proposed && op.Kind != KvOperationKind.RegisterSession
            ? new SessionStamp(c.ClientId, ++c.Sequence)
            : SessionStamp.None;
        // Any member serves any request (followers forward to the leader), so spread every operation
        // over the nodes like etcd's client balancer; lease keep-alives too (followers forward them to the leader).
        c.Target = _random.Next(1, _world.NodeCount + 1);
        if (op.History is not null)
        {
            _history.Invoke(c.Process, op.History, c.InvokedAt);
        }
        if (ReusablePendingId(c) is { } victim)
        {
            c.Target = victim.Target;
            c.ReusedIds.Add(victim.RequestId);
            RequestIdsReused++;
            _loop.Send(c, id => new ServiceCall(this, new KvAttempt(c, id, c.Operation!, Reused: true), c.Stamp), victim.RequestId);
            return;
        }
        Send(c);
    }

    private void Send(IRetryingClient client)
    {
        var c = (KvClient)client;
        _loop.Send(c, id => new ServiceCall(this, new KvAttempt(c, id, c.Operation!, Reused: false), c.Stamp));
    }

    /// <summary>
    /// A client that reuses request ids (in runs with <see cref="RunLimits.RequestIdReusePercent"/>): a fresh
    /// linearizable read sometimes takes the id of another client's read still in flight, and goes to the same
    /// node. Only reads on both sides while <see cref="ReusedIdsAgainstWrites"/> is off. A client reuses an id
    /// at most once, so a late reply cannot be claimed by a later operation.
    /// </summary>
    private KvClient? ReusablePendingId(KvClient c)
    {
        if (_limits.RequestIdReusePercent is not { } percent || c.Operation!.Kind != KvOperationKind.Read || _random.Next(0, 100) >= percent)
        {
            return null;
        }
        return _clients.FirstOrDefault(other => other != c && other.RequestId != 0 && other.Operation is { } op
            && (ReusedIdsAgainstWrites || op.Kind == KvOperationKind.Read) && !c.ReusedIds.Contains(other.RequestId));
    }

    /// <summary>Out of attempts or time: if some attempt went unanswered the operation may or may not have taken
    /// effect (unknown outcome, and the client continues as a new process); if every attempt was
    /// refused (not leader, rejected, dropped, expired session) it definitely did not.</summary>
    private void GiveUp(KvClient c)
    {
        if (c.Operation!.History is not null && c.MaybeApplied)
        {
            _history.Info(c.Process, _world.Now);
            _outcomes.OnGivenUp(c.Process, c.Stamp);
            c.Process = _nextProcess++;
            UnknownOutcomes++;
        }
        else if (c.Operation.History is not null)
        {
            _history.Fail(c.Process, _world.Now);
        }
        Think(c);
    }

    private void Complete(KvClient c, KvResult result)
    {
        KvOperation op = c.Operation!;
        if (result.ResultCase == KvResult.ResultOneofCase.Error && op.Proposed)
        {
            CheckSession(c, result.Error);
            if (result.Error.Code == KvErrorCode.SessionExpired)
            {
                // Evicted or expired (only possible with the run's tiny session limits): the command was refused
                // at apply; an earlier attempt may still have applied. Register a new session next.
                SessionsEnded++;
                c.ClientId = 0;
                GiveUp(c);
                return;
            }
        }
        if (op.History is not null)
        {
            RecordCompletion(c, op, result);
        }
        else
        {
            Follow(c, op, result);
        }
        Think(c);
    }

    private void RecordCompletion(KvClient c, KvOperation op, KvResult result)
    {
        var response = KvHistoryMapping.ToHistory(op.History!, result);
        if (response is null)
        {
            _history.Fail(c.Process, _world.Now); // refused before its first write: changed nothing
            return;
        }
        _history.Ok(c.Process, response, _world.Now);
        if (op.Kind == KvOperationKind.Compact && response is Cairn.Simulation.History.CompactResponse) Compactions++;
        if (response is Cairn.Simulation.History.KvErrorResponse) return;
        SeeVersions(c, result);
        c.SeenRevision = Math.Max(c.SeenRevision, response.Revision);
        if (op.Kind != KvOperationKind.Write) return;
        Acknowledged++;
        if (_world.Healed && c.InvokedAt >= _world.HealTimeMs && _firstAckAfterHeal < 0) _firstAckAfterHeal = _world.Now;
    }

    /// <summary>Bookkeeping of operations outside the history: session, lease, serializable reads.</summary>
    private void Follow(KvClient c, KvOperation op, KvResult result)
    {
        bool error = result.ResultCase == KvResult.ResultOneofCase.Error;
        switch (op.Kind)
        {
            case KvOperationKind.RegisterSession when !error:
                c.ClientId = result.RegisterSession.ClientId;
                c.Sequence = 0;
                break;
            case KvOperationKind.SerializableRead:
                SerializableReads++;
                break;
            case KvOperationKind.LeaseGrant when !error:
                c.LeaseId = result.LeaseGrant.ID;
                LeaseOracle?.OnRenewed(result.LeaseGrant.ID, result.LeaseGrant.TTL, c.InvokedAt);
                LeasesGranted++;
                break;
            case KvOperationKind.LeasePut when error:
                c.LeaseId = 0;
                LeasesFoundExpired++;
                break;
            case KvOperationKind.LeaseRevoke:
                c.LeaseId = 0;
                break;
            case KvOperationKind.LeaseKeepAlive when result.LeaseKeepAlive.TTL <= 0:
                c.LeaseId = 0;
                LeasesFoundExpired++;
                break;
            case KvOperationKind.LeaseKeepAlive:
                KeepAlivesRenewed++;
                LeaseOracle?.OnRenewed(result.LeaseKeepAlive.ID, result.LeaseKeepAlive.TTL, c.InvokedAt);
                break;
            case KvOperationKind.Compact when !error:
                Compactions++;
                break;
        }
    }

    /// <summary>Session invariant: a registered client's in-flight request is never judged stale, since it
    /// issues one sequence at a time; nor session-less, unless the run's limits let sessions be evicted or expire.</summary>
    private void CheckSession(KvClient c, KvError error)
    {
        if (error.Code == KvErrorCode.StaleSequence || (error.Code == KvErrorCode.SessionExpired && !_limits.SessionsMayEnd))
        {
            _world.Violations.Report("Session", $"client {c.Index} (session {c.ClientId}, sequence {c.Stamp.Sequence}) got {error.Code}: {error.Message}", c.Target);
        }
    }

    private static void SeeVersions(KvClient c, KvResult result)
    {
        IEnumerable<RangeResponse> ranges = result.ResultCase switch
        {
            KvResult.ResultOneofCase.Range => [result.Range],
            KvResult.ResultOneofCase.Txn => result.Txn.Responses.Where(r => r.ResponseRange is not null).Select(r => r.ResponseRange),
            _ => [],
        };
        foreach (RangeResponse range in ranges)
        {
            foreach (KeyValue kv in range.Kvs) c.See(kv.Key.ToStringUtf8(), kv.Version);
        }
    }

    private void Think(KvClient c)
    {
        c.Operation = null;
        _world.WakeClient(_random.Next(1, _world.Options.ClientThinkMs * 2), c.Index, 0, null);
    }

}
