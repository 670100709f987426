using Cairn.Core.Determinism;
using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Microsoft.Coyote.Actors;

namespace Cairn.Simulation.Tests.Coyote;

/// <summary>
/// One Raft node as a Coyote actor. It owns a sans-IO <see cref="RaftNode"/> and acts as its driver:
/// ticks, messages, proposals, disk syncs and crashes arrive as events, and each Ready is carried out
/// under its ordering contract (see RaftNodeActor.Ready.cs). Every output is reported to the monitors.
/// </summary>
[OnEventDoAction(typeof(Tick), nameof(OnTick))]
[OnEventDoAction(typeof(RaftMessage), nameof(OnRaftMessage))]
[OnEventDoAction(typeof(ProposeRequest), nameof(OnPropose))]
[OnEventDoAction(typeof(Persisted), nameof(OnPersisted))]
[OnEventDoAction(typeof(CrashRestart), nameof(OnCrashRestart))]
internal sealed partial class RaftNodeActor : Actor
{
    private NodeSetup _setup = null!;
    private RaftNode _raft = null!;
    /// <summary>Bumped by each crash; completions of an earlier incarnation's writes are ignored.</summary>
    private int _incarnation;
    private ulong _reportedCommit;
    private ulong _reportedLeaderTerm;

    protected override Task OnInitializeAsync(Event initialEvent)
    {
        _setup = (NodeSetup)initialEvent;
        StartIncarnation();
        return Task.CompletedTask;
    }

    private ulong NodeId => _setup.Options.Id;

    /// <summary>Builds the core from the durable store alone, as a restarting process would.</summary>
    private void StartIncarnation()
    {
        var (hardState, log) = _setup.Store.Load();
        _raft = new RaftNode(_setup.Options, new CoyoteRandom(this), hardState, log, _setup.Bugs);
        _writes.Clear();
        _reportedCommit = _raft.CommitIndex;
        _reportedLeaderTerm = 0;
        ReportCommitted(0, _raft.CommitIndex);
        AfterInput();
    }

    private void OnTick() { _raft.Tick(); AfterInput(); }

    private void OnRaftMessage(Event e) { _raft.Step(((RaftMessage)e).Message); AfterInput(); }

    private void OnPropose(Event e)
    {
        var request = (ProposeRequest)e;
        var result = _raft.Propose(request.Command);
        SendEvent(request.Client, new ProposeReply(result.Accepted));
        AfterInput();
    }

    private void OnCrashRestart()
    {
        _incarnation++;
        StartIncarnation();
    }

    /// <summary>Reports the step's observable outcome to the monitors, then drains every Ready.</summary>
    private void AfterInput()
    {
        ReleaseDelayed();
        if (_raft.Role == RaftRole.Leader && _raft.Term != _reportedLeaderTerm)
        {
            _reportedLeaderTerm = _raft.Term;
            var logTerms = new ulong[_raft.LastIndex];
            for (ulong i = 1; i <= _raft.LastIndex; i++) logTerms[i - 1] = _raft.TermAt(i);
            var elected = new LeaderElected(NodeId, _raft.Term, logTerms);
            Monitor<ElectionSafetyMonitor>(elected);
            Monitor<LeaderCompletenessMonitor>(elected);
        }
        Drain();
        var commit = _raft.CommitIndex;
        if (commit == _reportedCommit) return;
        Monitor<CommitMonotonicMonitor>(new CommitChanged(NodeId, _incarnation, _reportedCommit, commit));
        ReportCommitted(_reportedCommit, commit);
        _reportedCommit = commit;
    }

    /// <summary>Every entry in (from, to] is committed on this node: the monitors compare it with other nodes.</summary>
    private void ReportCommitted(ulong from, ulong to)
    {
        for (var i = from + 1; i <= to; i++) ReportCommittedEntry(_raft.EntryAt(i));
    }

    private void ReportCommittedEntry(Entry entry)
    {
        var committed = new EntryCommitted(NodeId, entry.Index, entry.Term, Digest(entry));
        Monitor<CommittedPrefixMonitor>(committed);
        Monitor<LeaderCompletenessMonitor>(committed);
    }

    private static string Digest(Entry entry) =>
        entry.Type == EntryType.EntryNoop ? "noop" : Convert.ToHexString(entry.Data.Span);

    /// <summary>Election timeouts drawn by Coyote, so its strategies explore them like any other choice.</summary>
    private sealed class CoyoteRandom(RaftNodeActor actor) : IRandomSource
    {
        public int Next(int minInclusive, int maxExclusive) =>
            minInclusive + actor.RandomInteger(maxExclusive - minInclusive);
    }
}
