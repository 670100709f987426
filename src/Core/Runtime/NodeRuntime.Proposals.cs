using Cairn.Core.Determinism;
using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;

namespace Cairn.Core.Runtime;

/// <summary>
/// Client proposals and request ids. Each proposal gets a key unique to this runtime incarnation, carried
/// in its entry (<see cref="Entry.RequestId"/>); the client is answered when this node applies the entry
/// carrying the key, whether this node appended it as leader or forwarded it to the leader. A request id is
/// pending in one place at a time (one proposal or one read), and a reuse is refused at admission.
/// </summary>
public sealed partial class NodeRuntime
{
    /// <summary>Most client proposals awaiting their entry's apply on one node.</summary>
    public const int PendingProposalsMax = 8192;

    /// <summary>Election timeouts (of <see cref="RaftOptions.ElectionTicks"/> ticks) after which a proposal whose
    /// entry was not applied here is forgotten: its outcome is unknown and its client times out, as for a lost
    /// message. This bounds the pending table when forwarded proposals are lost.</summary>
    public const int ProposalElectionsMax = 20;

    private readonly SortedDictionary<ulong, PendingProposal> _proposals = new();
    private readonly SortedDictionary<ulong, ulong> _proposalAtIndex = new();
    private readonly HashSet<ulong> _pendingRequests = new();
    private readonly ulong _proposalKeyBase;
    private ulong _proposalSeq;
    private long _ticks;

    /// <summary>One proposal waiting for its entry. <paramref name="Index"/> and <paramref name="Term"/> are known
    /// (non-zero) only when this node appended the entry itself as leader.</summary>
    private sealed record PendingProposal(ulong RequestId, ulong Key, ulong Index, ulong Term, long ProposedAt);

    /// <summary>Client requests (proposals and reads) waiting for an answer from this runtime.</summary>
    public int PendingRequests => _pendingRequests.Count;

    /// <summary>True while <paramref name="requestId"/> is a pending proposal or read of this runtime.</summary>
    public bool IsRequestPending(ulong requestId) => _pendingRequests.Contains(requestId);

    /// <summary>
    /// Proposes a client command; the reply arrives through the sink once this node applied it, or when it is
    /// refused. On a follower the command is forwarded to the leader (etcd-raft MsgProp) and answered once this
    /// follower applies it. A request id that is already pending here is refused
    /// (<see cref="ClientOutcome.Rejected"/>, "request id … already pending").
    /// </summary>
    public void Propose(ulong requestId, byte[] command) =>
        Accept((requestId, command), static (r, p) => r.ProposeNow(p.requestId, p.command));

    private void ProposeNow(ulong requestId, byte[] command)
    {
        if (Stopped || RefuseIfPending(requestId)) return;
        if (_proposals.Count >= PendingProposalsMax)
        {
            Reply(requestId, ClientOutcome.Rejected, error: $"{PendingProposalsMax} proposals pending (PendingProposalsMax)");
            return;
        }
        if (_disk.OutOfSpace)
        {
            Reply(requestId, ClientOutcome.Rejected, error: "disk full: proposal refused until space returns");
            return;
        }
        var key = _proposalKeyBase + ++_proposalSeq;
        var result = Raft.Propose(command, key);
        if (!result.Accepted)
        {
            var outcome = Raft.Role == RaftRole.Leader ? ClientOutcome.Rejected : ClientOutcome.NotLeader;
            Reply(requestId, outcome, error: result.Error);
            return;
        }
        _proposals[key] = new PendingProposal(requestId, key, result.Index, result.Term, _ticks);
        if (result.Index > 0) _proposalAtIndex[result.Index] = key;
        _pendingRequests.Add(requestId);
        Drain();
    }

    /// <summary>Refuses a request whose id is already pending, without touching the pending one.</summary>
    private bool RefuseIfPending(ulong requestId)
    {
        if (!_pendingRequests.Contains(requestId)) return false;
        _replies.OnReply(new ClientReply(requestId, ClientOutcome.Rejected, 0, null, Raft.Leader,
            $"request id {requestId} is already pending; a request id may be reused only once its request was answered"));
        return true;
    }

    /// <summary>
    /// Answers the proposal whose key the applied entry carries. A proposal this node appended as leader at
    /// the entry's index learns also when another leader's entry took its slot (Dropped).
    /// </summary>
    private void AnswerProposal(Entry entry, byte[]? result)
    {
        if (_proposalAtIndex.Remove(entry.Index, out var keyAtIndex) && keyAtIndex != entry.RequestId
            && _proposals.Remove(keyAtIndex, out var displaced))
        {
            if (_bugs.AckWithoutTermCheck) Reply(displaced.RequestId, ClientOutcome.Applied, entry.Index, result);
            else Reply(displaced.RequestId, ClientOutcome.Dropped, entry.Index, error: "log slot taken by another leader's entry");
        }
        if (entry.RequestId == 0 || !_proposals.Remove(entry.RequestId, out var pending)) return;
        if (pending.Index > 0 && pending.Index != entry.Index) _proposalAtIndex.Remove(pending.Index);
        if (result is null && entry.Type == EntryType.EntryNormal)
        {
            // The durable store already held this entry's effect (it restored a snapshot taken past the entry), so
            // this node never computed the reply: the outcome is unknown here, as for proposals an installed
            // snapshot covers. The client times out; a retry under its session gets the cached reply.
            _pendingRequests.Remove(pending.RequestId);
            ProposalsForgottenUnapplied++;
            return;
        }
        Reply(pending.RequestId, ClientOutcome.Applied, entry.Index, result);
    }

    /// <summary>Proposals whose entries applied while the durable store already held their effect (see
    /// <see cref="AnswerProposal"/>): committed, but answered by no one on this node.</summary>
    internal long ProposalsForgottenUnapplied { get; private set; }

    /// <summary>The forward-ack-before-apply canary: a forwarded proposal is acknowledged as soon as its entry
    /// reaches this node's log, before it is committed or applied.</summary>
    private void AcknowledgeBeforeApply(List<Entry> entries)
    {
        if (!_bugs.ForwardAckBeforeApply) return;
        foreach (var entry in entries)
        {
            if (entry.RequestId == 0 || !_proposals.TryGetValue(entry.RequestId, out var pending) || pending.Index > 0) continue;
            _proposals.Remove(entry.RequestId);
            Reply(pending.RequestId, ClientOutcome.Applied, entry.Index);
        }
    }

    /// <summary>Proposals this node appended at or below an installed snapshot will never be applied here.</summary>
    private void ForgetProposalsCoveredBy(ulong snapshotIndex)
    {
        while (_proposalAtIndex.Count > 0 && _proposalAtIndex.Keys.First() <= snapshotIndex)
        {
            var index = _proposalAtIndex.Keys.First();
            if (_proposals.Remove(_proposalAtIndex[index], out var pending)) _pendingRequests.Remove(pending.RequestId);
            _proposalAtIndex.Remove(index);
        }
    }

    /// <summary>Counts a tick and forgets proposals older than <see cref="ProposalElectionsMax"/> election timeouts.</summary>
    private void ExpireProposals()
    {
        _ticks++;
        if (_proposals.Count == 0) return;
        var deadline = _ticks - (long)ProposalElectionsMax * _options.ElectionTicks;
        List<PendingProposal>? expired = null;
        foreach (var pending in _proposals.Values) // keys grow with time, so the oldest come first
        {
            if (pending.ProposedAt > deadline) break;
            (expired ??= new()).Add(pending);
        }
        if (expired is null) return;
        foreach (var pending in expired)
        {
            _proposals.Remove(pending.Key);
            if (pending.Index > 0) _proposalAtIndex.Remove(pending.Index);
            _pendingRequests.Remove(pending.RequestId);
        }
    }

    /// <summary>A proposal key base unique to this incarnation with overwhelming probability (62 random bits), so
    /// an entry proposed by an earlier incarnation never matches a proposal of this one.</summary>
    private static ulong DrawProposalKeyBase(IRandomSource random) =>
        ((ulong)(uint)random.Next(0, int.MaxValue) << 31 | (uint)random.Next(0, int.MaxValue)) << 1 | 1;
}
