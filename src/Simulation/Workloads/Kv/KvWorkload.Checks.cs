using Cairn.Simulation.Checking.Linearizability;
using Cairn.Simulation.Checking.Watch;
using Cairn.Simulation.History;
using Cairn.Simulation.Reporting;
using Cairn.Simulation.World;

namespace Cairn.Simulation.Workloads.Kv;

/// <summary>End-of-run checks and what a report can show of them.</summary>
public sealed partial class KvWorkload
{
    private readonly List<(string Title, string Text)> _sections = new();

    /// <summary>The linearizability verdict, once <see cref="Finish"/> ran.</summary>
    public LinearizabilityResult? Linearizability { get; private set; }

    /// <summary>Report sections (title, preformatted text): the linearizability counterexample, the watch
    /// checker's finding. <see cref="Describe"/> adds them to a timeline.</summary>
    public IReadOnlyList<(string Title, string Text)> Sections => _sections;

    /// <inheritdoc />
    public void Finish()
    {
        CheckLinearizability();
        if (_world.Violations.Any) return;
        CheckWatches();
    }

    /// <summary>Adds the client operations and the check sections to <paramref name="timeline"/>.</summary>
    public void Describe(Timeline timeline)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        foreach (HistoryOperation op in _history.ToOperations())
        {
            timeline.Operations.Add(new ClientOperation(op.Process, op.CallTime, op.IsOpen ? null : op.ReturnTime,
                Summarize(op.Request), op.Outcome switch { OperationOutcome.Ok => "ok", OperationOutcome.Fail => "fail", _ => "unknown" }));
        }
        timeline.Sections.AddRange(_sections);
        timeline.Counterexample.AddRange(CounterexampleMarks.From(Linearizability));
    }

    private readonly AppliedOutcomes _outcomes = new();

    /// <summary>Feeds each replica's applies to <see cref="AppliedOutcomes"/>.</summary>
    internal void OnReplicaApplied(ulong index, ReadOnlySpan<byte> command, byte[] reply) =>
        _outcomes.OnApplied(index, command, reply, _world.Now);

    /// <summary>Only linearizable operations are in the history; unknown outcomes are resolved from what the
    /// replicas applied (<see cref="AppliedOutcomes"/>), and those that stay unknown are open-ended.</summary>
    private void CheckLinearizability()
    {
        Linearizability = KvLinearizabilityChecker.Check(_outcomes.Resolve(_history.ToOperations()));
        if (Linearizability.Ok) return;
        string text = Linearizability.Explain();
        _sections.Add(("Linearizability counterexample", text));
        if (!Linearizability.TimedOut)
        {
            _world.Violations.Report("Linearizability", text);
        }
        else if (!_world.Options.AcceptUnknown)
        {
            _world.Violations.Report("LinearizabilityUnknown",
                $"the linearizability search reached a limit before a verdict (partition {Linearizability.PartitionKey}); pass --accept-unknown to let the run pass");
        }
    }

    /// <summary>The highest revision any client asked to compact (done or not): history at or below it may be gone.</summary>
    private long _compactionRequestedMax;

    private void CheckWatches()
    {
        if (Reference.Truncated) return; // beyond ReferenceHistory.EventsMax: no complete reference to judge by
        string? problem = WatchChecker.Check(WatchStreams, Reference.Events, _compactionRequestedMax);
        if (problem is null) return;
        _sections.Add(("Watch stream", problem));
        _world.Violations.Report("WatchStream", problem);
    }

    private static string Summarize(KvRequest request) => request switch
    {
        RangeRequest { RangeEnd: null } r => $"get {r.Key}",
        RangeRequest r => $"range {r.Key}..{(r.RangeEnd == KvRequest.UnboundedRangeEnd ? "\\0" : r.RangeEnd)}",
        PutRequest p => $"put {p.Key}={p.Value}",
        DeleteRequest d => $"delete {d.Key}",
        TxnRequest t => $"txn [{string.Join(", ", t.Compares.Select(c => $"{c.Key}.{c.Target} {c.Operator} {c.Value ?? c.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)}"))}] then [{string.Join(", ", t.Success.Select(Summarize))}]",
        _ => request.Op,
    };
}
