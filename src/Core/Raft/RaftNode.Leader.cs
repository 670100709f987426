using Cairn.Core.Raft.Wire;

namespace Cairn.Core.Raft;

/// <summary>The outcome of <see cref="RaftNode.Propose(byte[], ulong)"/>.</summary>
/// <param name="Accepted">True when the entry was appended to the leader's log.</param>
/// <param name="Index">The entry's index when accepted.</param>
/// <param name="Term">The entry's term when accepted.</param>
/// <param name="Error">Why the proposal was refused, when not accepted.</param>
/// <param name="Forwarded">True when a follower sent the proposal to its leader (etcd-raft MsgProp); the index
/// and term are then unknown (0) and the proposer learns the outcome only by applying an entry carrying its request id.</param>
public readonly record struct ProposeResult(bool Accepted, ulong Index, ulong Term, string? Error, bool Forwarded = false);

public sealed partial class RaftNode
{
    /// <summary>Periodic heartbeats without progress from a lagging follower before its pipeline is reset to probe.</summary>
    public const int StalledHeartbeatsMax = 3;

    private ulong _termStartIndex;
    /// <summary>Payload bytes of the leader's entries after its commit index (bounded by UncommittedBytesMax).</summary>
    private long _uncommittedBytes;
    private int _checkQuorumElapsed;

    private void TickLeader()
    {
        if (++_checkQuorumElapsed >= _options.ElectionTicks)
        {
            _checkQuorumElapsed = 0;
            if (!CheckQuorum()) { BecomeFollower(Term, 0); return; }
        }
        TickTransfer();
        foreach (var peer in _options.Peers)
            if (peer != Id) _progress[peer].IdleTicks++;
        if (++_heartbeatElapsed < _options.HeartbeatTicks) return;
        _heartbeatElapsed = 0;
        if (!Buggify.Fires(FaultPoint.SkipHeartbeat)) BroadcastHeartbeat(countStall: true);
    }

    /// <summary>A leader that has not heard from a quorum within an election timeout steps down,
    /// so a partitioned leader stops serving ReadIndex and leases.</summary>
    private bool CheckQuorum()
    {
        var active = 1;
        foreach (var peer in _options.Peers)
        {
            if (peer == Id) continue;
            var pr = _progress[peer];
            if (pr.RecentActive) active++;
            pr.RecentActive = false;
        }
        Invariant.Holds(active <= _options.Peers.Count, "active peers {0} at most the cluster size {1}", (ulong)active, (ulong)_options.Peers.Count);
        return active >= Quorum;
    }

    /// <summary>Appends a client command to the leader's log (Raft §5.3).</summary>
    public ProposeResult Propose(byte[] data) => ProposeAsLeader(data, 0);

    private ProposeResult ProposeAsLeader(byte[] data, ulong requestId)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (Role != RaftRole.Leader) return new(false, 0, 0, "not leader");
        if (_transferTarget != 0) return new(false, 0, 0, $"leader transfer to {_transferTarget} in progress");
        if (data.Length > _options.ProposalBytesMax)
            return new(false, 0, 0, $"proposal of {data.Length} bytes exceeds ProposalBytesMax {_options.ProposalBytesMax}");
        if (_log.LastIndex - _log.Committed >= (ulong)_options.UncommittedEntriesMax)
            return new(false, 0, 0, $"leader has {_options.UncommittedEntriesMax} uncommitted entries (UncommittedEntriesMax)");
        if (_uncommittedBytes > 0 && _uncommittedBytes + data.Length > _options.UncommittedBytesMax)
            return new(false, 0, 0, $"leader holds {_uncommittedBytes} uncommitted bytes; {data.Length} more exceed UncommittedBytesMax {_options.UncommittedBytesMax}");
        var entry = new Entry { Term = Term, Index = _log.LastIndex + 1, Type = EntryType.EntryNormal, Data = Google.Protobuf.ByteString.CopyFrom(data), RequestId = requestId };
        Invariant.Holds(_log.LastTerm <= Term, "a leader's log holds no term above its own: last term {0}, term {1}", _log.LastTerm, Term);
        _log.Append(entry);
        _uncommittedBytes += data.Length;
        BroadcastAppend(sendIfEmpty: false);
        if (Quorum <= 1 && MaybeCommit()) { }
        return new(true, entry.Index, entry.Term, null);
    }

    private void BroadcastAppend(bool sendIfEmpty)
    {
        foreach (var peer in _options.Peers)
            if (peer != Id) SendAppend(peer, sendIfEmpty);
    }

    /// <summary>Heartbeats every follower. Only the periodic heartbeat (<paramref name="countStall"/>) counts toward
    /// resetting a stalled pipeline to probe; a ReadIndex round says nothing about replication progress.</summary>
    private void BroadcastHeartbeat(bool countStall)
    {
        foreach (var peer in _options.Peers)
        {
            if (peer == Id) continue;
            var pr = _progress[peer];
            if (countStall && pr.Match < _log.LastIndex && ++pr.Stalled >= StalledHeartbeatsMax) { pr.BecomeProbe(); pr.Stalled = 0; }
            if (countStall) pr.RepairAllowed = true;
            Send(new Message { Type = MessageType.MsgHeartbeat, To = peer, Commit = Math.Min(pr.Match, _log.Committed), Context = _readRound }, afterPersist: false);
        }
    }

    private void SendAppend(ulong to, bool sendIfEmpty)
    {
        var pr = _progress[to];
        if (pr.Abandoned || pr.Paused(_options.InflightAppendsMax)) return;
        if (pr.Next <= _log.SnapshotIndex && _snapshot is not null) { SendSnapshotWindow(to, pr); return; }
        var prev = pr.Next - 1;
        var countMax = Buggify.Fires(FaultPoint.ShrinkAppendBatch) ? 1 : _options.AppendEntriesMax;
        Invariant.Holds(pr.Next <= _log.LastIndex + 1 || _bugs.BreaksSafety, "an append starts within the log: next {0}, last {1}", pr.Next, _log.LastIndex);
        var entries = _log.Slice(pr.Next, _log.LastIndex, _options.AppendBytesMax, countMax);
        Invariant.Holds(entries.Count == 0 || entries[0].Index == pr.Next, "an append carries entries from next {0}, not {1}", pr.Next, entries.Count == 0 ? 0 : entries[0].Index);
        if (entries.Count == 0 && !sendIfEmpty) return;
        var m = new Message { Type = MessageType.MsgAppend, To = to, Index = prev, LogTerm = _log.Term(prev), Commit = _log.Committed };
        m.Entries.AddRange(entries);
        Send(m, afterPersist: false);
        if (pr.Replicating && entries.Count > 0)
        {
            pr.Next = entries[^1].Index + 1;
            pr.Inflight.Enqueue(entries[^1].Index);
        }
        else pr.ProbeSent = true;
    }

    private void HandleAppendResponse(Message m)
    {
        if (Role != RaftRole.Leader) return;
        var pr = _progress[m.From];
        pr.Heard();
        if (m.Reject)
        {
            // Raft §5.3: back off nextIndex, using the follower's last index as a hint. A reject for an
            // append we no longer have outstanding is stale and ignored.
            if (pr.Replicating ? m.Index <= pr.Match : m.Index != pr.Next - 1) return;
            if (_bugs.AbandonLaggingFollower) { pr.Abandoned = true; return; }
            // A probe answered with a log shorter than what the follower acknowledged means it lost durable
            // entries (a broken disk); trust its log rather than loop resending the same probe forever.
            if (m.RejectHint < pr.Match) pr.Match = m.RejectHint;
            pr.Next = Math.Max(pr.Match + 1, Math.Min(m.Index, m.RejectHint + 1));
            pr.Replicating = false;
            pr.ProbeSent = false;
            pr.Inflight.Clear();
            SendAppend(m.From, sendIfEmpty: true);
            return;
        }
        pr.FreeInflightTo(m.Index);
        if (m.Index > pr.Match)
        {
            pr.Match = m.Index;
            pr.Stalled = 0;
        }
        if (pr.Next <= pr.Match) pr.Next = pr.Match + 1;
        Invariant.Holds(pr.Match <= _log.LastIndex || _bugs.BreaksSafety, "a follower acknowledges only what the leader holds: match {0}, last {1}", pr.Match, _log.LastIndex);
        if (pr.Match >= pr.SnapshotIndex) pr.Transfer = null;
        if (!pr.Replicating) { pr.Replicating = true; pr.ProbeSent = false; pr.Inflight.Clear(); }
        if (MaybeCommit()) BroadcastAppend(sendIfEmpty: false);
        SendAppend(m.From, sendIfEmpty: false);
        MaybeSendTimeoutNow(m.From);
    }

    private void HandleHeartbeatResponse(Message m)
    {
        if (Role != RaftRole.Leader) return;
        var pr = _progress[m.From];
        pr.Heard();
        pr.ProbeSent = false;
        if (m.Context > pr.ReadRoundAcked) pr.ReadRoundAcked = m.Context;
        NoteSnapshotProgress(pr, m, periodic: pr.RepairAllowed);
        // A probing follower gets its probe again. A lagging replicating one gets new entries, and at most one
        // empty append (its answer turns lost appends into a resend) per periodic heartbeat: ReadIndex rounds,
        // however many, add no replication traffic.
        if (pr.Match < _log.LastIndex)
        {
            var repair = !pr.Replicating || pr.Inflight.Count == 0 || pr.RepairAllowed;
            pr.RepairAllowed = false;
            SendAppend(m.From, sendIfEmpty: repair);
        }
        ReleaseConfirmedReads();
    }

    /// <summary>Raft §5.3/§5.4.2: commit the highest index stored on a quorum, but only if it is from the
    /// current term. The leader counts itself only up to its own durable index.</summary>
    private bool MaybeCommit()
    {
        Span<ulong> matches = stackalloc ulong[_options.Peers.Count];
        var i = 0;
        foreach (var peer in _options.Peers)
            matches[i++] = peer == Id ? _log.Stable : _progress[peer].Match;
        matches.Sort();
        var quorum = Math.Max(1, Quorum);
        var candidate = matches[matches.Length - quorum];
        if (candidate <= _log.Committed) return false;
        if (_log.Term(candidate) != Term && !_bugs.CommitPreviousTermByCount) return false;
        Invariant.Holds(candidate <= _log.LastIndex, "commit candidate {0} at or below the last index {1}", candidate, _log.LastIndex);
        _uncommittedBytes -= _log.BytesBetween(_log.Committed, candidate);
        Invariant.Holds(_uncommittedBytes >= 0 || _bugs.BreaksSafety, "uncommitted bytes are never negative (commit {0} to {1})", _log.Committed, candidate);
        _log.CommitTo(candidate);
        _commitBroadcastDue = true;
        ReleaseConfirmedReads();
        return true;
    }
}
