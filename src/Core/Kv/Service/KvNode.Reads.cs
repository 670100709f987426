using Cairn.Core.Kv.Wire;
using Cairn.Core.Runtime;
using Google.Protobuf;

namespace Cairn.Core.Kv.Service;

/// <summary>Requests that wait for a ReadIndex confirmation: linearizable ranges and lessor queries.</summary>
public sealed partial class KvNode
{
    private readonly SortedDictionary<ulong, PendingRead> _pendingReads = new();

    private enum PendingKind
    {
        Range,
        KeepAlive,
        TimeToLive,
    }

    /// <summary>A request waiting for a ReadIndex confirmation. <paramref name="Origin"/> is set when a follower
    /// forwarded it; its <paramref name="RequestId"/> is then one of this node's internal ids.</summary>
    private sealed record PendingRead(ulong RequestId, PendingKind Kind, RangeRequest? Range, IMessage? LeaseRequest, ForwardOrigin? Origin = null);

    private void StartRead(PendingRead read)
    {
        if (_pendingReads.Count >= _options.PendingReadsMax)
        {
            Answer(read, KvReplyStatus.Rejected, error: $"{_options.PendingReadsMax} reads pending (PendingReadsMax)");
            return;
        }
        if (read.Kind != PendingKind.Range && !_leading)
        {
            // Lease keep-alive and time-to-live are the leader's lessor's (followers forward them before this).
            Answer(read, KvReplyStatus.NotLeader, error: "lease requests are served by the leader");
            return;
        }
        if (_bugs.AdmitPendingRequestId) _pendingReads[read.RequestId] = read; // canary: the earlier read is forgotten
        else _pendingReads.Add(read.RequestId, read);
        Runtime.ReadLinearizable(read.RequestId); // may answer synchronously through OnReply
    }

    /// <summary>The runtime answered a pending read: serve it if confirmed, else pass the refusal on.</summary>
    private void Complete(PendingRead read, ClientReply reply)
    {
        if (reply.Outcome != ClientOutcome.ReadReady)
        {
            Answer(read, StatusOf(reply.Outcome), error: reply.Error);
            return;
        }
        switch (read.Kind)
        {
            case PendingKind.Range:
                KvResult result = StateMachine.Read(read.Range!);
                if (_bugs.ReadReplyAheadOfApplied && result.Range is { } range && Runtime.Raft.CommitIndex > Runtime.Raft.AppliedIndex)
                {
                    range.Header.Revision += 1; // canary: the header counts committed, not applied, writes
                }
                Send(read.RequestId, KvReplyStatus.Ok, result);
                return;
            default:
                AnswerLessor(read);
                return;
        }
    }

    /// <summary>Leadership changed: ReadIndex rounds of the old term never complete, so answer them now.</summary>
    private void FailPendingReads()
    {
        if (_pendingReads.Count == 0)
        {
            return;
        }
        List<PendingRead> failed = [.. _pendingReads.Values];
        _pendingReads.Clear();
        foreach (PendingRead read in failed)
        {
            Answer(read, KvReplyStatus.NotLeader, error: "leadership changed before the read was confirmed");
        }
    }
}
