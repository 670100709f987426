using Cairn.Core.Raft.Wire;
using Google.Protobuf;

namespace Cairn.Core.Raft;

/// <summary>
/// Followers serve clients (etcd-raft MsgProp and MsgReadIndex): a follower forwards proposals and
/// ReadIndex requests to the leader it knows. A forwarded proposal carries the proposer's request id in
/// its entry, so the proposer recognises the entry when it applies it; a forwarded read comes back as
/// the leader's confirmed read index, which the follower serves once it has applied that far.
/// </summary>
public sealed partial class RaftNode
{
    /// <summary>Request ids of forwarded proposals a leader remembers, so a duplicated MsgProp is appended once.</summary>
    public const int ForwardedProposalsRememberedMax = 4096;

    /// <summary>Ticks (counted in election timeouts) a forwarded read may wait for its leader's answer before it fails.</summary>
    public const int ForwardedReadElectionsMax = 2;

    private readonly SortedDictionary<ulong, (ulong Leader, ulong Term, long AskedAt)> _forwardedReads = new();
    private long _ticks;
    private readonly List<ulong> _failedReads = new();
    private readonly Queue<ulong> _recentForwardedOrder = new();
    private readonly HashSet<ulong> _recentForwarded = new();

    /// <summary>
    /// Proposes a client command tagged with <paramref name="requestId"/> (non-zero, unique per proposer).
    /// The leader appends it (Raft §5.3); a follower that knows its leader forwards it (etcd-raft MsgProp),
    /// and the result says <see cref="ProposeResult.Forwarded"/>. Refused without a known leader, during a
    /// leader transfer, or over a limit. A forwarded proposal may be lost: its proposer never sees it applied.
    /// </summary>
    public ProposeResult Propose(byte[] data, ulong requestId)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (requestId == 0) throw new ArgumentException("request id 0 is reserved for entries no one waits for", nameof(requestId));
        if (Role == RaftRole.Leader) return ProposeAsLeader(data, requestId);
        if (Role != RaftRole.Follower || Leader == 0) return new(false, 0, 0, "not leader, and no leader known to forward to");
        if (data.Length > _options.ProposalBytesMax)
            return new(false, 0, 0, $"proposal of {data.Length} bytes exceeds ProposalBytesMax {_options.ProposalBytesMax}");
        var m = new Message { Type = MessageType.MsgProp, To = Leader };
        m.Entries.Add(new Entry { Type = EntryType.EntryNormal, Data = ByteString.CopyFrom(data), RequestId = requestId });
        Send(m, afterPersist: false);
        return new(true, 0, 0, null, Forwarded: true);
    }

    /// <summary>The leader appends forwarded entries (each at most once); anyone else drops them, and the
    /// proposer's client times out with an unknown outcome, as for any lost proposal.</summary>
    private void HandleProp(Message m)
    {
        if (Role != RaftRole.Leader) return;
        foreach (var entry in m.Entries)
        {
            if (entry.RequestId == 0 || _recentForwarded.Contains(entry.RequestId)) continue;
            if (!ProposeAsLeader(entry.Data.ToByteArray(), entry.RequestId).Accepted) return;
            RememberForwarded(entry.RequestId);
        }
    }

    private void RememberForwarded(ulong requestId)
    {
        _recentForwarded.Add(requestId);
        _recentForwardedOrder.Enqueue(requestId);
        if (_recentForwardedOrder.Count > ForwardedProposalsRememberedMax) _recentForwarded.Remove(_recentForwardedOrder.Dequeue());
    }

    /// <summary>A follower asks its leader for a read index; the answer comes back as MsgReadIndexResponse.</summary>
    private bool ForwardReadIndex(ulong requestId)
    {
        if (Role != RaftRole.Follower || Leader == 0) return false;
        if (_forwardedReads.Count >= _options.PendingReadsMax || _forwardedReads.ContainsKey(requestId)) return false;
        _forwardedReads[requestId] = (Leader, Term, _ticks);
        Send(new Message { Type = MessageType.MsgReadIndex, To = Leader, Context = requestId }, afterPersist: false);
        return true;
    }

    /// <summary>The leader confirms a follower's read exactly as its own (Raft §8), or refuses it at once.</summary>
    private void HandleReadIndex(Message m)
    {
        if (Role != RaftRole.Leader || _pendingReads.Exists(r => r.From == m.From && r.RequestId == m.Context) || !AdmitRead(m.Context, m.From))
        {
            Send(new Message { Type = MessageType.MsgReadIndexResponse, To = m.From, Context = m.Context, Reject = true }, afterPersist: false);
        }
    }

    private void HandleReadIndexResponse(Message m)
    {
        if (!_forwardedReads.TryGetValue(m.Context, out var asked) || asked.Leader != m.From || asked.Term != Term) return;
        _forwardedReads.Remove(m.Context);
        if (m.Reject) { _failedReads.Add(m.Context); return; }
        // The canary serves the read at once, at whatever this follower has applied.
        var index = _bugs.FollowerReadBeforeReadIndex ? Math.Min(m.Index, _log.Applied) : m.Index;
        _readStates.Add(new ReadState(m.Context, index));
    }

    /// <summary>
    /// Leadership changed: reads forwarded to the old leader and reads this node confirmed as leader will
    /// never be answered, so they fail now (reported in <see cref="Ready.FailedReads"/>); followers whose
    /// reads this leader held are told with a rejection.
    /// </summary>
    private void FailReadsOnLeaderChange()
    {
        FailForwardedRequests();
        foreach (var read in _pendingReads)
        {
            if (read.From == Id) _failedReads.Add(read.RequestId);
            else Send(new Message { Type = MessageType.MsgReadIndexResponse, To = read.From, Context = read.RequestId, Reject = true }, afterPersist: false);
        }
        _pendingReads.Clear();
        if (_forwardedReads.Count == 0) return;
        _failedReads.AddRange(_forwardedReads.Keys);
        _forwardedReads.Clear();
    }

    /// <summary>Counts a tick and fails forwarded reads whose answer is overdue (the request or the answer was
    /// lost while the leader stayed the same), so the table never fills with reads no one will answer.</summary>
    private void ExpireForwardedReads()
    {
        _ticks++;
        if (_forwardedReads.Count == 0) return;
        var deadline = _ticks - (long)ForwardedReadElectionsMax * _options.ElectionTicks;
        List<ulong>? overdue = null;
        foreach (var (id, asked) in _forwardedReads)
            if (asked.AskedAt <= deadline) (overdue ??= new()).Add(id);
        if (overdue is null) return;
        foreach (var id in overdue) _forwardedReads.Remove(id);
        _failedReads.AddRange(overdue);
    }

    /// <summary>A forwarded proposal carries one bounded entry per command and no log position.</summary>
    private bool PropWellFormed(Message m)
    {
        if (m.Entries.Count == 0 || m.Entries.Count > _options.AppendEntriesMax) return false;
        foreach (var e in m.Entries)
            if (e.Type != EntryType.EntryNormal || e.RequestId == 0 || e.Data.Length > _options.ProposalBytesMax) return false;
        return true;
    }
}
