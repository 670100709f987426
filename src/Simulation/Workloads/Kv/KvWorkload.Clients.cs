using Cairn.Core.Kv.Service;
using Cairn.Core.Kv.Wire;
using Cairn.Simulation.Engine;
using Cairn.Simulation.World;

namespace Cairn.Simulation.Workloads.Kv;

/// <summary>KV clients: issue, retry under the same session stamp, complete or give up.</summary>
public sealed partial class KvWorkload
{
    private sealed record ServiceCall(KvWorkload Workload, KvOperation Operation, ulong RequestId, SessionStamp Stamp) : ISimRequest
    {
        public void Deliver(SimNode node)
        {
            if (Workload.CurrentApplication(node.Id) is { } application)
            {
                Operation.SendTo(application.Kv, RequestId, Stamp);
            }
        }
    }

    private void OnClientWake(KvClient c, long token, object? payload)
    {
        if (token == 0 && c.Operation is null) { StartNext(c); return; }
        if (token == RetryToken) { Send(c); return; }
        if (token <= 0 || (ulong)token != c.RequestId) return; // a late answer to an attempt already given up on
        _clientOfRequest.Remove(c.RequestId);
        c.RequestId = 0;
        if (payload is not KvReply reply)
        {
            c.Target = NextNode(c.Target); // timed out: try the next node
            c.MaybeApplied = true;
            Retry(c, immediately: true);
            return;
        }
        switch (reply.Status)
        {
            case KvReplyStatus.Ok:
                Complete(c, reply.Result!);
                return;
            case KvReplyStatus.NotLeader when reply.LeaderHint != 0 && (int)reply.LeaderHint != c.Target:
                c.Target = (int)reply.LeaderHint;
                Retry(c, immediately: true);
                return;
            case KvReplyStatus.NotLeader:
                c.Target = NextNode(c.Target);
                break;
        }
        Retry(c, immediately: false);
    }

    private void StartNext(KvClient c)
    {
        KvOperation op = c.ClientId == 0 ? KvOperationDraw.RegisterSession() : _draw.Next(c);
        c.Operation = op;
        c.Attempts = 0;
        c.MaybeApplied = false;
        c.InvokedAt = _world.Scheduler.Now;
        c.Stamp = op.Proposed && op.Kind != KvOperationKind.RegisterSession
            ? new SessionStamp(c.ClientId, ++c.Sequence)
            : SessionStamp.None;
        // Any member serves any request (followers forward to the leader), so spread every operation
        // over the nodes like etcd's client balancer; lease keep-alives too (followers forward them to the leader).
        c.Target = _random.Next(1, _world.Nodes.Count + 1);
        if (op.History is not null)
        {
            _history.Invoke(c.Process, op.History, c.InvokedAt);
        }
        Send(c);
    }

    private void Send(KvClient c)
    {
        c.Attempts++;
        c.RequestId = ++_nextRequestId;
        _clientOfRequest[c.RequestId] = c.Index;
        var call = new ServiceCall(this, c.Operation!, c.RequestId, c.Stamp);
        _world.Scheduler.After(_world.ClientLatency(), new SimEvent(EventKind.ClientRequest, c.Target, 0, c.Index, 0, call));
        _world.Scheduler.After(AttemptTimeoutMs, Wake(c.Index, (long)c.RequestId, null));
    }

    private void Retry(KvClient c, bool immediately)
    {
        if (c.Attempts >= AttemptsMax || _world.Scheduler.Now - c.InvokedAt >= OperationDeadlineMs)
        {
            GiveUp(c);
            return;
        }
        if (immediately) Send(c);
        else _world.Scheduler.After(_random.Next(1, Math.Min(RetryBackoffMaxMs, 25 << Math.Min(c.Attempts, 10)) + 1), Wake(c.Index, RetryToken, null));
    }

    /// <summary>Out of time: if some attempt went unanswered the operation may or may not have taken
    /// effect (unknown outcome, and the client continues as a new process); if every attempt was
    /// refused (not leader, rejected, dropped) it definitely did not.</summary>
    private void GiveUp(KvClient c)
    {
        if (c.Operation!.History is not null && c.MaybeApplied)
        {
            _history.Info(c.Process, _world.Scheduler.Now);
            c.Process = _nextProcess++;
            UnknownOutcomes++;
        }
        else if (c.Operation.History is not null)
        {
            _history.Fail(c.Process, _world.Scheduler.Now);
        }
        Think(c);
    }

    private void Complete(KvClient c, KvResult result)
    {
        KvOperation op = c.Operation!;
        if (result.ResultCase == KvResult.ResultOneofCase.Error && op.Proposed)
        {
            CheckSession(c, result.Error);
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
            _history.Fail(c.Process, _world.Scheduler.Now); // refused before its first write: changed nothing
            return;
        }
        _history.Ok(c.Process, response, _world.Scheduler.Now);
        SeeVersions(c, result);
        c.SeenRevision = Math.Max(c.SeenRevision, response.Revision);
        if (op.Kind != KvOperationKind.Write) return;
        Acknowledged++;
        if (_world.Healed && c.InvokedAt >= _world.HealTimeMs && _firstAckAfterHeal < 0) _firstAckAfterHeal = _world.Scheduler.Now;
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
                break;
            case KvOperationKind.Compact when !error:
                Compactions++;
                break;
        }
    }

    /// <summary>Session invariant: a registered client's in-flight request is never judged stale or
    /// session-less, since it issues one sequence at a time and sessions here never hit their limits.</summary>
    private void CheckSession(KvClient c, KvError error)
    {
        if (error.Code is KvErrorCode.StaleSequence or KvErrorCode.SessionExpired)
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
        _world.Scheduler.After(_random.Next(1, _world.Options.ClientThinkMs * 2), Wake(c.Index, 0, null));
    }

    private int NextNode(int node) => 1 + (node % _world.Nodes.Count);
}
