namespace Cairn.Core.Runtime;

/// <summary>How a client request ended at this node.</summary>
public enum ClientOutcome
{
    /// <summary>Committed and applied; <see cref="ClientReply.Result"/> holds the state machine's reply.</summary>
    Applied,
    /// <summary>This node is not the leader; retry at <see cref="ClientReply.LeaderHint"/> if non-zero.</summary>
    NotLeader,
    /// <summary>Refused before it entered the log (over a limit); not applied.</summary>
    Rejected,
    /// <summary>Its log slot was taken by another leader's entry, so it was never committed; not applied.</summary>
    Dropped,
    /// <summary>A linearizable read may now be served from the local state machine.</summary>
    ReadReady,
    /// <summary>The leader answered a request this follower forwarded (<see cref="NodeRuntime.ForwardToLeader"/>);
    /// <see cref="ClientReply.Result"/> holds the leader's opaque answer.</summary>
    Answered,
}

/// <summary>The answer to one client request.</summary>
/// <param name="RequestId">The caller's id for the request.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Index">The log index (applied entries and confirmed reads).</param>
/// <param name="Result">The state machine's reply bytes for applied entries.</param>
/// <param name="LeaderHint">The leader this node knows, or 0.</param>
/// <param name="Error">A human-readable reason for refusals.</param>
public readonly record struct ClientReply(ulong RequestId, ClientOutcome Outcome, ulong Index, byte[]? Result, ulong LeaderHint, string? Error);

/// <summary>Receives client replies from a <see cref="NodeRuntime"/>.</summary>
public interface IClientReplySink
{
    /// <summary>Delivers one reply; called synchronously from the runtime's thread. The sink may call back into the
    /// runtime (propose, read): such a call is queued and carried out after the current input returns, so its
    /// own reply may come later than the call.</summary>
    void OnReply(ClientReply reply);
}
