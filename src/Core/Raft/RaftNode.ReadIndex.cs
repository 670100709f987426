using Cairn.Core.Raft.Wire;

namespace Cairn.Core.Raft;

public sealed partial class RaftNode
{
    private readonly List<(ulong RequestId, ulong Index, ulong Round, ulong From)> _pendingReads = new();
    private ulong _readRound;

    /// <summary>
    /// Raft §8 ReadIndex: records the commit index, then confirms leadership with a heartbeat round.
    /// The read is released in <see cref="Ready.ReadStates"/> once a quorum acknowledged that round.
    /// A follower that knows its leader forwards the request (etcd-raft MsgReadIndex) and releases the
    /// leader's confirmed index the same way; if its leader changes first, the read is reported in
    /// <see cref="Ready.FailedReads"/>. Refused (false) without a known leader, before the leader committed
    /// an entry of its term, or when <see cref="RaftOptions.PendingReadsMax"/> reads are already pending.
    /// </summary>
    public bool RequestReadIndex(ulong requestId)
    {
        if (Role != RaftRole.Leader) return ForwardReadIndex(requestId);
        return AdmitRead(requestId, Id);
    }

    /// <summary>Records a read at the current commit index and starts a heartbeat round to confirm it.</summary>
    private bool AdmitRead(ulong requestId, ulong from)
    {
        if (_log.Committed < _termStartIndex) return false;
        if (_pendingReads.Count >= _options.PendingReadsMax) return false;
        _readRound++;
        _pendingReads.Add((requestId, _log.Committed, _readRound, from));
        if (Quorum <= 1) { ReleaseConfirmedReads(); return true; }
        _heartbeatElapsed = 0;
        BroadcastHeartbeat();
        return true;
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
            if (read.From == Id) _readStates.Add(new ReadState(read.RequestId, read.Index));
            else Send(new Message { Type = MessageType.MsgReadIndexResponse, To = read.From, Index = read.Index, Context = read.RequestId }, afterPersist: false);
            released++;
        }
        _pendingReads.RemoveRange(0, released);
    }
}
