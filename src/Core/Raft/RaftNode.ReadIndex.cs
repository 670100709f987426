using Cairn.Core.Raft.Wire;

namespace Cairn.Core.Raft;

public sealed partial class RaftNode
{
    private readonly List<(ulong RequestId, ulong Index, ulong Round)> _pendingReads = new();
    private ulong _readRound;

    /// <summary>
    /// Raft §8 ReadIndex: records the commit index, then confirms leadership with a heartbeat round.
    /// The read is released in <see cref="Ready.ReadStates"/> once a quorum acknowledged that round.
    /// Refused (false) on a non-leader, before the leader committed an entry of its term, or when
    /// <see cref="RaftOptions.PendingReadsMax"/> reads are already pending.
    /// </summary>
    public bool RequestReadIndex(ulong requestId)
    {
        if (Role != RaftRole.Leader || (_log.Committed < _termStartIndex && !_bugs.ReadIndexBeforeTermCommit)) return false;
        if (_pendingReads.Count >= _options.PendingReadsMax) return false;
        _readRound++;
        _pendingReads.Add((requestId, _log.Committed, _readRound));
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
            _readStates.Add(new ReadState(read.RequestId, read.Index));
            released++;
        }
        _pendingReads.RemoveRange(0, released);
    }
}
