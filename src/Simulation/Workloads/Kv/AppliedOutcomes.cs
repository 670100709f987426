using Cairn.Core.Kv.Service;
using Cairn.Core.Kv.Wire;
using Cairn.Simulation.History;
using Google.Protobuf;

namespace Cairn.Simulation.Workloads.Kv;

/// <summary>
/// What the simulation knows and a real client does not: for every session-stamped command, the reply of its
/// first apply on any replica and the simulated time of that apply. A client that gives up on an operation
/// records an unknown outcome (<c>info</c>) in the history, as Jepsen's clients do; before the linearizability
/// check, <see cref="Resolve"/> turns each such operation whose stamp was applied into a completed one (its reply
/// as applied, returning at the time of the first apply) and each one never applied by the end of the run into a
/// failed one. The history file keeps the client's view.
/// </summary>
/// <remarks>
/// Why this is sound: the first apply of an entry on any replica happens after the entry commits, and every
/// linearizable read invoked after that instant reads at a commit index that includes it (Leader Completeness,
/// Raft §5.4), so the write's linearization point lies between its invocation and that apply. Replicas apply the
/// same entries in the same order (checked by ReplicaAgreement), so the first replica's reply is the reply. A
/// command no replica applied by the end of the run was seen by no read (reads see applied state only), so it may
/// be taken as not applied. The checker gains what the client lost and gives nothing away: a history that is
/// linearizable only if the write took another revision than it did is a real violation.
/// </remarks>
internal sealed class AppliedOutcomes
{
    /// <summary>Most stamps remembered; beyond it operations stay unknown (bounded memory).</summary>
    public const int StampsMax = 1_000_000;

    private readonly Dictionary<SessionStamp, (long Time, KvResult Reply)> _firstApply = new();
    private readonly Dictionary<int, SessionStamp> _unknownByProcess = new();
    private ulong _lastIndex;

    /// <summary>Unknown outcomes resolved as applied by the last <see cref="Resolve"/>.</summary>
    public long ResolvedApplied { get; private set; }

    /// <summary>Unknown outcomes resolved as never applied by the last <see cref="Resolve"/>.</summary>
    public long ResolvedNotApplied { get; private set; }

    /// <summary>Feeds the entry at <paramref name="index"/> as a replica applies it; entries already seen (applied
    /// again by another replica) are ignored, so each stamp keeps its first apply.</summary>
    public void OnApplied(ulong index, ReadOnlySpan<byte> command, byte[] reply, long now)
    {
        if (index <= _lastIndex) return;
        _lastIndex = index;
        if (_firstApply.Count >= StampsMax) return;
        KvCommand parsed;
        KvResult result;
        try
        {
            parsed = KvCommand.Parser.ParseFrom(command);
            result = KvResult.Parser.ParseFrom(reply);
        }
        catch (InvalidProtocolBufferException)
        {
            return; // a malformed command resolves nothing
        }
        if (parsed.ClientId == 0) return;
        _firstApply.TryAdd(new SessionStamp(parsed.ClientId, parsed.Sequence), (now, result));
    }

    /// <summary>Remembers that history process <paramref name="process"/> gave up on the operation stamped
    /// <paramref name="stamp"/> with an unknown outcome (the process is not used again).</summary>
    public void OnGivenUp(int process, SessionStamp stamp)
    {
        if (stamp.ClientId != 0) _unknownByProcess[process] = stamp;
    }

    /// <summary>The operations the linearizability checker judges: <paramref name="operations"/> with every
    /// stamped unknown outcome resolved (see the class summary); the others unchanged.</summary>
    public IReadOnlyList<HistoryOperation> Resolve(IReadOnlyList<HistoryOperation> operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ResolvedApplied = 0;
        ResolvedNotApplied = 0;
        var resolved = new List<HistoryOperation>(operations.Count);
        foreach (HistoryOperation op in operations)
        {
            resolved.Add(op.Outcome == OperationOutcome.Info && _unknownByProcess.TryGetValue(op.Process, out SessionStamp stamp)
                ? ResolveOne(op, stamp)
                : op);
        }
        return resolved;
    }

    private HistoryOperation ResolveOne(HistoryOperation op, SessionStamp stamp)
    {
        if (!_firstApply.TryGetValue(stamp, out var applied))
        {
            if (_firstApply.Count >= StampsMax) return op; // not remembered: stays unknown
            ResolvedNotApplied++;
            return op with { Outcome = OperationOutcome.Fail, ReturnTime = op.CallTime };
        }
        Cairn.Core.Invariant.Holds(applied.Time >= op.CallTime, "an operation is applied after its invocation: applied at {0}, invoked at {1}",
            applied.Time, op.CallTime);
        KvResponse? response = KvHistoryMapping.ToHistory(op.Request, applied.Reply);
        if (response is null)
        {
            ResolvedNotApplied++; // refused at apply (an ended session): it changed nothing
            return op with { Outcome = OperationOutcome.Fail, ReturnTime = op.CallTime };
        }
        ResolvedApplied++;
        return op with { Outcome = OperationOutcome.Ok, Response = response, ReturnTime = applied.Time };
    }
}
