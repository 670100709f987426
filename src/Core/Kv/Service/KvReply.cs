using Cairn.Core.Kv.Wire;

namespace Cairn.Core.Kv.Service;

/// <summary>How a KV request ended at this node.</summary>
public enum KvReplyStatus
{
    /// <summary>Answered: <see cref="KvReply.Result"/> holds the etcd response, or a <see cref="KvError"/>
    /// when the state machine refused it (a refusal changes nothing).</summary>
    Ok,

    /// <summary>This node is not the leader (or stopped being it); retry at <see cref="KvReply.LeaderHint"/> if non-zero.
    /// Nothing was applied for this attempt.</summary>
    NotLeader,

    /// <summary>Refused before it entered the log (a limit, a bad request id); not applied.</summary>
    Rejected,

    /// <summary>Its log slot went to another leader's entry; this attempt was not applied. A retry with the
    /// same session sequence is safe.</summary>
    Dropped,
}

/// <summary>The answer to one KV request.</summary>
/// <param name="RequestId">The caller's id for the request.</param>
/// <param name="Status">How it ended.</param>
/// <param name="Result">The etcd response or KV error when <paramref name="Status"/> is <see cref="KvReplyStatus.Ok"/>; otherwise null.</param>
/// <param name="LeaderHint">The leader this node knows, or 0.</param>
/// <param name="Error">A human-readable reason when not <see cref="KvReplyStatus.Ok"/>.</param>
public readonly record struct KvReply(ulong RequestId, KvReplyStatus Status, KvResult? Result, ulong LeaderHint, string? Error);

/// <summary>A session stamp for exactly-once writes (Raft dissertation §6.3): the client id returned by
/// <see cref="KvNode.RegisterSession"/> and the client's sequence number for this request. A retry of the
/// same request carries the same stamp; the replicated session table answers it from its cache.</summary>
/// <param name="ClientId">The session's client id; 0 = no session (at-least-once on retries).</param>
/// <param name="Sequence">The request's sequence number, increasing per client from 1.</param>
public readonly record struct SessionStamp(ulong ClientId, ulong Sequence)
{
    /// <summary>No session.</summary>
    public static SessionStamp None => default;
}

/// <summary>Receives a <see cref="KvNode"/>'s outputs. Called synchronously on the node's thread.</summary>
public interface IKvReplySink
{
    /// <summary>Delivers the answer to one request.</summary>
    void OnReply(KvReply reply);

    /// <summary>Delivers one watch response (created, events of one revision, progress, canceled), in
    /// order per watch id.</summary>
    void OnWatchResponse(WatchResponse response);
}
