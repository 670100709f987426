using Cairn.Core.Kv.Service;
using Cairn.Core.Kv.Wire;
using Cairn.Simulation.World;

namespace Cairn.Simulation.Workloads.Kv;

/// <summary>
/// The simulated transport between KV clients and nodes. A reply goes back to the attempt the node answered:
/// an answer given while an attempt is being delivered (a refusal at admission, a local read) belongs to
/// that attempt; a later one to the attempt the node admitted with that request id. Two checks
/// (issue 7 §1, "a request id can be pending in only one place at a time"):
/// <c>RequestId</c> — a node admitted a request id that it still had pending;
/// <c>ReplyAttribution</c> — a reply does not fit the request it answers (another request's outcome, or a
/// refusal of a reused id delivered to the original request).
/// </summary>
public sealed partial class KvWorkload
{
    /// <summary>The error text a node's refusal of a reused, still-pending request id contains.</summary>
    internal const string ReusedIdRefusalText = "request id";

    private (KvNodeApplication Application, KvAttempt Attempt, bool Answered)? _delivering;

    /// <summary>Reused request ids sent.</summary>
    public long RequestIdsReused { get; private set; }

    /// <summary>Requests a node forgot without answering, found when their id was admitted again.</summary>
    public long ForgottenRequests { get; private set; }

    /// <summary>Attempts refused because their request id was pending at the node.</summary>
    public long ReusedIdRefusals { get; private set; }

    private sealed record ServiceCall(KvWorkload Workload, KvAttempt Attempt, SessionStamp Stamp) : ISimRequest
    {
        public void Deliver(SimNode node)
        {
            if (Workload.CurrentApplication(node.Id) is { } application)
            {
                Workload.Deliver(application, Attempt, Stamp);
            }
        }
    }

    private void Deliver(KvNodeApplication application, KvAttempt attempt, SessionStamp stamp)
    {
        bool nodeHadItPending = application.Kv.IsRequestPending(attempt.RequestId);
        _delivering = (application, attempt, false);
        attempt.Operation.SendTo(application.Kv, attempt.RequestId, stamp);
        bool answered = _delivering.Value.Answered;
        _delivering = null;
        if (answered) return;
        if (!application.Admitted.TryGetValue(attempt.RequestId, out List<KvAttempt>? pending))
        {
            application.Admitted[attempt.RequestId] = pending = [];
        }
        if (pending.Count > 0 && !nodeHadItPending && pending.All(p => p.Operation.Proposed))
        {
            // The node forgot the earlier proposal (an installed snapshot or its durable store covered its entry, so
            // it will never be answered here; its client times out): admitting the id again is right. Only
            // proposals are ever forgotten; a read the node no longer holds stays a violation.
            ForgottenRequests += pending.Count;
            pending.Clear();
        }
        if (pending.Count > 0)
        {
            _world.Violations.Report("RequestId",
                $"node {application.NodeId} admitted request id {attempt.RequestId} (client {attempt.Client.Index}) while client {pending[0].Client.Index}'s request with that id was pending", application.NodeId);
        }
        pending.Add(attempt);
    }

    /// <summary>A node's KV service answered a request: the reply travels back to the attempt it answers.</summary>
    internal void OnServiceReply(KvNodeApplication application, KvReply reply)
    {
        KvAttempt? attempt = null;
        bool atAdmission = false;
        if (_delivering is { } d && !d.Answered && ReferenceEquals(d.Application, application) && d.Attempt.RequestId == reply.RequestId)
        {
            attempt = d.Attempt;
            atAdmission = true;
            _delivering = d with { Answered = true };
        }
        else if (application.Admitted.TryGetValue(reply.RequestId, out List<KvAttempt>? pending) && pending.Count > 0)
        {
            attempt = pending[0];
            pending.RemoveAt(0);
            if (pending.Count == 0) application.Admitted.Remove(reply.RequestId);
        }
        if (attempt is null) return; // the node's own requests (lease expiry), or an incarnation's leftovers
        CheckAttribution(application, attempt, reply, atAdmission);
        _loop.Answer(attempt.Client.Index, reply.RequestId, (attempt, reply));
    }

    private void CheckAttribution(KvNodeApplication application, KvAttempt attempt, KvReply reply, bool atAdmission)
    {
        string? problem = reply.Status switch
        {
            KvReplyStatus.Ok when reply.Result is { } r && r.ResultCase != KvResult.ResultOneofCase.Error && r.ResultCase != Expected(attempt.Operation) =>
                $"a {r.ResultCase} result answered a {attempt.Operation.Request.Descriptor.Name}",
            KvReplyStatus.Ok when reply.Result is { ResultCase: KvResult.ResultOneofCase.Range } r && attempt.Operation.Request is RangeRequest asked
                && r.Range.Kvs.FirstOrDefault(kv => !InRange(asked, kv.Key)) is { } stray =>
                $"a range reply holds key {stray.Key.ToStringUtf8()}, outside the range asked for",
            KvReplyStatus.Rejected when !atAdmission && IsReusedIdRefusal(reply) =>
                $"the refusal of a reused id (\"{reply.Error}\") answered the request that was pending with it",
            _ => null,
        };
        if (problem is not null)
        {
            _world.Violations.Report("ReplyAttribution",
                $"node {application.NodeId}, request id {reply.RequestId} (client {attempt.Client.Index}): {problem}", application.NodeId);
        }
    }

    /// <summary>The rare paths this run reached, as "name=count" pairs.</summary>
    public string Coverage() => string.Join(' ', new (string Name, long Count)[]
    {
        ("sessionsEnded", SessionsEnded), ("requestIdsReused", RequestIdsReused), ("reusedIdRefusals", ReusedIdRefusals),
        ("compactions", Compactions), ("unknownOutcomes", UnknownOutcomes),
        ("forgottenRequests", ForgottenRequests), ("resolvedApplied", _outcomes.ResolvedApplied), ("resolvedNotApplied", _outcomes.ResolvedNotApplied),
        ("lateWatchEvents", _watchers.Skip(WatchClients).Sum(w => (long)w.Stream.Events.Count)),
    }.Where(p => p.Count > 0).Select(p => $"{p.Name}={p.Count}"));

    private static bool InRange(RangeRequest asked, Google.Protobuf.ByteString key)
    {
        string k = key.ToStringUtf8(), start = asked.Key.ToStringUtf8(), end = asked.RangeEnd.ToStringUtf8();
        return asked.RangeEnd.IsEmpty ? k == start
            : string.CompareOrdinal(k, start) >= 0 && (end == Cairn.Simulation.History.KvRequest.UnboundedRangeEnd || string.CompareOrdinal(k, end) < 0);
    }

    private static bool IsReusedIdRefusal(KvReply reply) =>
        reply.Status == KvReplyStatus.Rejected && reply.Error is { } e && e.Contains(ReusedIdRefusalText, StringComparison.Ordinal);

    private static KvResult.ResultOneofCase Expected(KvOperation op) => op.Request switch
    {
        RangeRequest => KvResult.ResultOneofCase.Range,
        PutRequest => KvResult.ResultOneofCase.Put,
        DeleteRangeRequest => KvResult.ResultOneofCase.DeleteRange,
        TxnRequest => KvResult.ResultOneofCase.Txn,
        CompactionRequest => KvResult.ResultOneofCase.Compaction,
        LeaseGrantRequest => KvResult.ResultOneofCase.LeaseGrant,
        LeaseRevokeRequest => KvResult.ResultOneofCase.LeaseRevoke,
        LeaseKeepAliveRequest => KvResult.ResultOneofCase.LeaseKeepAlive,
        RegisterSessionRequest => KvResult.ResultOneofCase.RegisterSession,
        _ => KvResult.ResultOneofCase.None,
    };
}
