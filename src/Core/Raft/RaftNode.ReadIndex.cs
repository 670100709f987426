using Cairn.Core.Raft.Wire;

namespace Cairn.Core.Raft;

public sealed partial class RaftNode
{
    private readonly List<(ulong RequestId, ulong Index, ulong Round, ulong From)> _pendingReads = new();
    private ulong _readRound;

    /// <summary>
    /// Raft §8 ReadIndex: records the commit index, then confirms leadership with a heartbeat round.
    /// The read is released in <see cref="Ready.ReadStates"/> once a quorum acknowledged that round.
    /// Reads are batched: one round is in flight at a time, and every read that arrives meanwhile joins
    /// the next round, sent as soon as the current one is confirmed — one round per batch, not per read.
    /// A follower that knows its leader forwards the request (etcd-raft MsgReadIndex) and releases the
    /// leader's confirmed index the same way; if its leader changes first, the read is reported in
    /// <see cref="Ready.FailedReads"/>. Refused (false) without a known leader, before the leader committed
    /// an entry of its term (thesis §6.4), or when <see cref="RaftOptions.PendingReadsMax"/> reads are
    /// already pending.
    /// </summary>
    public bool RequestReadIndex(ulong requestId)
    {
        if (Role != RaftRole.Leader) return ForwardReadIndex(requestId);
        return AdmitRead(requestId, Id);
    }

    /// <summary>Records a read at the current commit index; it joins the round in flight's successor.</summary>
    private bool AdmitRead(ulong requestId, ulong from)
    {
        if (_log.Committed < _termStartIndex && !_bugs.ReadIndexBeforeTermCommit) return false;
        if (_pendingReads.Count >= _options.PendingReadsMax) return false;
        var roundInFlight = _pendingReads.Count > 0 && _pendingReads[0].Round == _readRound;
        var round = roundInFlight ? _readRound + 1 : StartReadRound();
        _pendingReads.Add((requestId, _log.Committed, round, from));
        Invariant.Holds(round >= _pendingReads[0].Round && round <= _readRound + 1, "a read joins the round in flight or the next: round {0}, in flight {1}", round, _readRound);
        if (Quorum <= 1) ReleaseConfirmedReads();
        return true;
    }

    /// <summary>Starts a heartbeat round that confirms leadership for every read waiting for it.</summary>
    private ulong StartReadRound()
    {
        _readRound++;
        if (Quorum > 1)
        {
            _heartbeatElapsed = 0;
            BroadcastHeartbeat(countStall: false);
        }
        return _readRound;
    }

    private void ReleaseConfirmedReads()
    {
        if (Role != RaftRole.Leader || _pendingReads.Count == 0) return;
        var released = 0;
        foreach (var read in _pendingReads)
        {
            var acks = 1;
            foreach (var peer in _options.Peers)
                if (peer != Id && _progress[peer].ReadRoundAcked >= read.Round) acks++;
            if (acks < Quorum) break;
            Invariant.Holds(read.Index <= _log.Committed, "a released read index {0} is committed (commit {1})", read.Index, _log.Committed);
            if (read.From == Id) _readStates.Add(new ReadState(read.RequestId, read.Index));
            else Send(new Message { Type = MessageType.MsgReadIndexResponse, To = read.From, Index = read.Index, Context = read.RequestId }, afterPersist: false);
            released++;
        }
        _pendingReads.RemoveRange(0, released);
        // The reads that arrived during the confirmed round now get their own.
        if (_pendingReads.Count > 0 && _pendingReads[0].Round > _readRound) StartReadRound();
    }
}
