using Cairn.Core.Raft;

namespace Cairn.Core.Runtime;

public sealed partial class NodeRuntime
{
    /// <summary>Most linearizable reads waiting at this node for their index to be applied.</summary>
    public const int WaitingReadsMax = 8192;

    private readonly Queue<ReadState> _waitingReads = new();

    /// <summary>
    /// Starts a linearizable read (Raft §8, ReadIndex). The sink receives <see cref="ClientOutcome.ReadReady"/>
    /// once leadership is confirmed by a quorum and the state machine has applied the read index; the
    /// caller then reads the local state machine. A follower forwards the request to its leader (etcd-raft
    /// MsgReadIndex) and answers once it has applied the leader's read index; a node without a known leader,
    /// or whose leader changes before the read is confirmed, answers <see cref="ClientOutcome.NotLeader"/>.
    /// A request id that is already pending here is refused (<see cref="ClientOutcome.Rejected"/>).
    /// </summary>
    public void ReadLinearizable(ulong requestId) => Accept(requestId, static (r, id) => r.ReadLinearizableNow(id));

    private void ReadLinearizableNow(ulong requestId)
    {
        if (Stopped || RefuseIfPending(requestId)) return;
        if (_waitingReads.Count >= WaitingReadsMax)
        {
            Reply(requestId, ClientOutcome.Rejected, error: $"{WaitingReadsMax} reads waiting (WaitingReadsMax)");
            return;
        }
        if (!Raft.RequestReadIndex(requestId))
        {
            var outcome = Raft.Role == RaftRole.Leader ? ClientOutcome.Rejected : ClientOutcome.NotLeader;
            Reply(requestId, outcome, error: "read index unavailable: no leader known, or no entry of this term committed yet");
            return;
        }
        _pendingRequests.Add(requestId);
        Drain();
    }

    private void QueueRead(ReadState read)
    {
        // A follower learns its leader's read index before its own commit index may reach it.
        Invariant.Holds(Raft.Role != RaftRole.Leader || read.Index <= Raft.CommitIndex, "a leader's confirmed read index {0} is committed (commit {1})", read.Index, Raft.CommitIndex);
        _waitingReads.Enqueue(read);
    }

    /// <summary>The core gave up on a read (leadership changed, or the leader refused or never answered it).</summary>
    private void FailRead(ulong requestId)
    {
        if (_pendingRequests.Contains(requestId))
            Reply(requestId, ClientOutcome.NotLeader, error: "leadership changed before the read was confirmed");
    }

    private void ServeReads()
    {
        while (_waitingReads.Count > 0 && _waitingReads.Peek().Index <= Raft.AppliedIndex)
        {
            var read = _waitingReads.Dequeue();
            Reply(read.RequestId, ClientOutcome.ReadReady, read.Index);
        }
    }
}
