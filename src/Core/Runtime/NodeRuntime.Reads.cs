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
    /// caller then reads the local state machine. A non-leader answers <see cref="ClientOutcome.NotLeader"/>.
    /// </summary>
    public void ReadLinearizable(ulong requestId) => Accept(requestId, static (r, id) => r.ReadLinearizableNow(id));

    private void ReadLinearizableNow(ulong requestId)
    {
        if (Stopped) return;
        if (_waitingReads.Count >= WaitingReadsMax)
        {
            Reply(requestId, ClientOutcome.Rejected, error: $"{WaitingReadsMax} reads waiting (WaitingReadsMax)");
            return;
        }
        if (!Raft.RequestReadIndex(requestId))
        {
            var outcome = Raft.Role == RaftRole.Leader ? ClientOutcome.Rejected : ClientOutcome.NotLeader;
            Reply(requestId, outcome, error: "read index unavailable: not leader, or no entry of this term committed yet");
            return;
        }
        Drain();
    }

    private void QueueRead(ReadState read)
    {
        Invariant.Holds(read.Index <= Raft.CommitIndex, "a confirmed read index {0} is committed (commit {1})", read.Index, Raft.CommitIndex);
        _waitingReads.Enqueue(read);
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
