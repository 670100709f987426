using Cairn.Core.Kv;
using Cairn.Core.Kv.Service;

namespace Cairn.Simulation.Checking.Kv;

/// <summary>
/// Invariant <c>ReadReplyApplied</c> at the KV level: a range reply describes the replying node's applied
/// state, so its header revision is at or below that node's store revision at the moment it replies.
/// A reply claiming a later revision would let a client see (or wait for) a state no replica applied.
/// </summary>
internal static class ReadReplyCheck
{
    /// <summary>Checks one reply of node <paramref name="node"/> whose state machine is <paramref name="applied"/>.</summary>
    public static void Check(ViolationLog violations, int node, KvStateMachine applied, KvReply reply)
    {
        long? revision = reply.Result?.Range?.Header?.Revision;
        if (revision is long r && r > applied.Revision)
        {
            violations.Report("ReadReplyApplied",
                $"node {node} answered range {reply.RequestId} at revision {r} but has applied only revision {applied.Revision} (index {applied.AppliedIndex})", node);
        }
    }
}
