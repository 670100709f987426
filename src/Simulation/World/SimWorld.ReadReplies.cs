using Cairn.Core.Runtime;

namespace Cairn.Simulation.World;

public sealed partial class SimWorld
{
    /// <summary>
    /// Invariant <c>ReadReplyApplied</c> (Raft §8): a ReadReady reply tells the caller it may now serve a
    /// read from local state, so its index must be at or below the replying node's applied index at the
    /// moment of the reply, whatever the order in which commit, persist and apply happened.
    /// </summary>
    private void OnClientReply(int node, ClientReply reply)
    {
        if (reply.Outcome == ClientOutcome.ReadReady && Nodes[node - 1].Raft is { } raft && reply.Index > raft.AppliedIndex)
        {
            Violations.Report("ReadReplyApplied",
                $"node {node} answered read {reply.RequestId} ready at index {reply.Index} but has applied only {raft.AppliedIndex} (commit {raft.CommitIndex})", node);
        }
        Workload.OnReply(node, reply);
    }

    private sealed class ReplyRoute(SimWorld world, int node) : IClientReplySink
    {
        public void OnReply(ClientReply reply) => world.OnClientReply(node, reply);
    }
}
