using Cairn.Core.Determinism;
using Cairn.Core.Raft.Wire;

namespace Cairn.Core.Raft;

/// <summary>
/// A sans-IO Raft node (Raft paper §5). Inputs: <see cref="Tick"/>, <see cref="Step"/>,
/// <see cref="Propose(byte[], ulong)"/>, <see cref="RequestReadIndex"/> and storage completions via
/// <see cref="OnPersisted"/>. Outputs: a <see cref="Ready"/> taken with <see cref="TakeReady"/>.
/// Single-threaded and deterministic given the injected <see cref="IRandomSource"/>.
/// </summary>
public sealed partial class RaftNode
{
    /// <summary>Most committed entries handed out for apply in one Ready.</summary>
    public const int ApplyBatchMax = 256;

    private readonly RaftOptions _options;
    private readonly IRandomSource _random;
    private readonly RaftBugs _bugs;
    private readonly RaftLog _log;
    private readonly Dictionary<ulong, Progress> _progress = new();
    private readonly Dictionary<ulong, bool> _votes = new();
    private readonly List<Message> _messagesNow = new();
    private readonly List<Message> _messagesAfterPersist = new();
    private readonly List<ReadState> _readStates = new();
    private HardState _handedOutHardState;
    private int _electionElapsed;
    private int _heartbeatElapsed;
    private int _electionTimeout;

    /// <summary>Creates a node from its durable state (empty for a fresh node).</summary>
    /// <param name="options">Static configuration.</param>
    /// <param name="random">The injected randomness for election timeouts.</param>
    /// <param name="hardState">The recovered hard state, or null for a fresh node.</param>
    /// <param name="log">The recovered durable log, contiguous from index 1.</param>
    public RaftNode(RaftOptions options, IRandomSource random, HardState? hardState, IReadOnlyList<Entry> log)
        : this(options, random, hardState, log, RaftBugs.None)
    {
    }

    /// <summary>Creates a node from its durable state, including a durable snapshot (Raft §7).</summary>
    /// <param name="options">Static configuration.</param>
    /// <param name="random">The injected randomness for election timeouts.</param>
    /// <param name="hardState">The recovered hard state, or null for a fresh node.</param>
    /// <param name="log">The recovered durable log, contiguous from the snapshot's index + 1.</param>
    /// <param name="snapshot">The recovered snapshot, or null; the driver restores the state machine from it.</param>
    public RaftNode(RaftOptions options, IRandomSource random, HardState? hardState, IReadOnlyList<Entry> log, SnapshotRecord? snapshot)
        : this(options, random, hardState, log, RaftBugs.None, snapshot)
    {
    }

    internal RaftNode(RaftOptions options, IRandomSource random, HardState? hardState, IReadOnlyList<Entry> log, RaftBugs bugs,
        SnapshotRecord? snapshot = null, SnapshotFiles? files = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _random = random;
        _bugs = bugs;
        _files = files ?? SnapshotFiles.Inline;
        hardState ??= new HardState();
        _log = new RaftLog(log, hardState.Commit, snapshot?.Index ?? 0, snapshot?.Term ?? 0);
        if (snapshot is { Index: > 0 }) _snapshot = WithoutReplace(snapshot);
        Term = Math.Max(hardState.Term, _log.LastTerm);
        Vote = hardState.Term == Term ? hardState.Vote : 0;
        _handedOutHardState = new HardState { Term = hardState.Term, Vote = hardState.Vote, Commit = hardState.Commit };
        BecomeFollower(Term, 0);
    }

    /// <summary>This node's id.</summary>
    public ulong Id => _options.Id;
    /// <summary>The current term (Raft §5.1).</summary>
    public ulong Term { get; private set; }
    /// <summary>The candidate voted for in <see cref="Term"/>, or 0.</summary>
    public ulong Vote { get; private set; }
    /// <summary>The leader this node follows in <see cref="Term"/>, or 0 when unknown.</summary>
    public ulong Leader { get; private set; }
    /// <summary>The current role.</summary>
    public RaftRole Role { get; private set; }
    /// <summary>The highest index known committed.</summary>
    public ulong CommitIndex => _log.Committed;
    /// <summary>The highest index handed out for apply.</summary>
    public ulong AppliedIndex => _log.Applied;
    /// <summary>The highest index known durable on this node's disk.</summary>
    public ulong StableIndex => _log.Stable;
    /// <summary>The index of the last entry in the log.</summary>
    public ulong LastIndex => _log.LastIndex;
    /// <summary>Payload bytes of the entries the log retains after the snapshot (bounded through RetainedLogBytesMax).</summary>
    public long RetainedLogBytes => _log.RetainedBytes;
    /// <summary>The term of the last entry in the log.</summary>
    public ulong LastTerm => _log.LastTerm;
    /// <summary>The term of the entry at <paramref name="index"/>, or 0 when absent.</summary>
    public ulong TermAt(ulong index) => _log.Term(index);
    /// <summary>The entry at <paramref name="index"/> (1 ≤ index ≤ <see cref="LastIndex"/>).</summary>
    public Entry EntryAt(ulong index) => _log.At(index);
    /// <summary>Members of the configuration.</summary>
    public IReadOnlyList<ulong> Peers => _options.Peers;

    private int Quorum => _bugs.QuorumOffByOne ? Raft.Quorum.Of(_options.Peers.Count) - 1 : Raft.Quorum.Of(_options.Peers.Count);

    /// <summary>Advances logical time by one tick: elections for followers and candidates, heartbeats for leaders.</summary>
    public void Tick()
    {
        ExpireForwardedReads();
        ExpireForwardedRequests();
        if (Role == RaftRole.Leader) TickLeader();
        else if (++_electionElapsed >= _electionTimeout) StartElection();
        else if (Role == RaftRole.Candidate) RetryVoteRequests();
    }

    /// <summary>Fault points the simulator may fire; off everywhere else.</summary>
    internal Buggify Buggify { get; set; } = Buggify.Off;

    /// <summary>Starts applying after <paramref name="index"/>, for a state machine that already holds that prefix.
    /// The state machine applies only committed entries, so its applied index also raises the commit index: the
    /// durable hard state may hold an older commit (a commit-only change rides along with the next write).</summary>
    public void SetApplied(ulong index)
    {
        var known = Math.Min(index, _log.LastIndex);
        if (known > _log.Committed) _log.CommitTo(known);
        _log.SetApplied(index);
    }

    /// <summary>Storage reports that the write ending at <paramref name="index"/> with <paramref name="term"/> is durable.</summary>
    public void OnPersisted(ulong index, ulong term)
    {
        Invariant.Holds(term <= Term, "a persisted write's term {0} is at most the current term {1}", term, Term);
        _log.StableTo(index, term);
        Invariant.Holds(_log.Stable <= _log.LastIndex, "stable {0} within the log (last {1})", _log.Stable, _log.LastIndex);
        if (Role == RaftRole.Leader && MaybeCommit()) BroadcastAppend(sendIfEmpty: false);
    }

    /// <summary>
    /// The runtime made a hard state of <paramref name="term"/> durable. A one-voter cluster's candidate
    /// counts its own vote only now (as etcd-raft's asynchronous storage does), so a term it leads in is
    /// never lost to a crash and reused with a different log.
    /// </summary>
    public void OnHardStatePersisted(ulong term)
    {
        Invariant.Holds(term <= Term, "a persisted hard state's term {0} is at most the current term {1}", term, Term);
        if (Role == RaftRole.Candidate && term == Term && Vote == Id && Quorum <= 1) BecomeLeader();
    }

    /// <summary>Handles one message from a peer (Raft §5.1: terms first, then by role).</summary>
    public void Step(Message m)
    {
        ArgumentNullException.ThrowIfNull(m);
        // Malformed input (a message to someone else, from ourselves or from a non-member, or entries that
        // do not follow the message's previous index) is dropped, never trusted.
        if (m.To != Id || m.From == Id || !_options.Peers.Contains(m.From) || !EntriesWellFormed(m)) return;
        if (!TermPlausible(m)) return;
        if (m.Term > Term && IsPreVoteTraffic(m))
        {
            // A pre-vote, or a grant of our own pre-vote, is about a term nobody has entered yet.
        }
        else if (m.Term > Term)
        {
            var leader = m.Type is MessageType.MsgAppend or MessageType.MsgHeartbeat or MessageType.MsgSnapshot ? m.From : 0;
            BecomeFollower(m.Term, leader);
        }
        else if (m.Term < Term && !_bugs.AcceptStaleTerm)
        {
            // A deposed leader learns the newer term from our answer and steps down.
            if (m.Type is MessageType.MsgAppend or MessageType.MsgHeartbeat or MessageType.MsgSnapshot)
                Send(new Message { Type = MessageType.MsgAppendResponse, To = m.From, Reject = true, Index = m.Index, RejectHint = _log.LastIndex }, afterPersist: false);
            else if (m.Type == MessageType.MsgPreVote)
                Send(new Message { Type = MessageType.MsgPreVoteResponse, To = m.From, Reject = true }, afterPersist: false);
            return;
        }

        switch (m.Type)
        {
            case MessageType.MsgVote: HandleVote(m); break;
            case MessageType.MsgVoteResponse: HandleVoteResponse(m); break;
            case MessageType.MsgAppend: HandleAppend(m); break;
            case MessageType.MsgHeartbeat: HandleHeartbeat(m); break;
            case MessageType.MsgAppendResponse: HandleAppendResponse(m); break;
            case MessageType.MsgHeartbeatResponse: HandleHeartbeatResponse(m); break;
            case MessageType.MsgSnapshot: HandleSnapshot(m); break;
            case MessageType.MsgSnapshotResponse: HandleSnapshotResponse(m); break;
            case MessageType.MsgPreVote: HandlePreVote(m); break;
            case MessageType.MsgPreVoteResponse: HandlePreVoteResponse(m); break;
            case MessageType.MsgProp: HandleProp(m); break;
            case MessageType.MsgReadIndex: HandleReadIndex(m); break;
            case MessageType.MsgReadIndexResponse: HandleReadIndexResponse(m); break;
            case MessageType.MsgTimeoutNow: HandleTimeoutNow(m); break;
            case MessageType.MsgForwardRequest: HandleForwardRequest(m); break;
            case MessageType.MsgForwardResponse: HandleForwardResponse(m); break;
        }
    }

    private bool EntriesWellFormed(Message m)
    {
        if (m.SnapshotData.Length > _options.SnapshotChunkBytesMax || m.Payload.Length > _options.ProposalBytesMax) return false;
        if (m.Type == MessageType.MsgProp) return PropWellFormed(m);
        if (m.Type == MessageType.MsgSnapshot && (m.Index == 0 || m.LogTerm == 0 || m.LogTerm > m.Term || m.Entries.Count > 0)) return false;
        for (var i = 0; i < m.Entries.Count; i++)
        {
            var e = m.Entries[i];
            if (e.Index != m.Index + 1 + (ulong)i || e.Term > m.Term || e.Term == 0) return false;
        }
        return true;
    }

    private void Send(Message m, bool afterPersist)
    {
        m.From = Id;
        if (m.Term == 0) m.Term = Term;
        (afterPersist ? _messagesAfterPersist : _messagesNow).Add(m);
    }

    private void ResetTimers()
    {
        _electionElapsed = 0;
        _heartbeatElapsed = 0;
        _electionTimeout = _options.ElectionTicks + _random.Next(0, _options.ElectionTicks);
        Invariant.Holds(_electionTimeout >= _options.ElectionTicks && _electionTimeout < 2 * _options.ElectionTicks, "the election timeout {0} lies in [base, 2 base)", _electionTimeout, (long)_options.ElectionTicks);
        if (Buggify.Fires(FaultPoint.ShortElectionTimeout)) _electionTimeout = _options.ElectionTicks;
    }

    private void BecomeFollower(ulong term, ulong leader)
    {
        Invariant.Holds(term >= Term, "terms only grow: follower of term {0} in term {1}", term, Term);
        _preCampaigning = false;
        if (term != Term || leader != Leader || Role != RaftRole.Follower) FailReadsOnLeaderChange();
        if (term != Term) Vote = 0;
        Term = term;
        Role = RaftRole.Follower;
        Leader = leader;
        _progress.Clear();
        _transferTarget = 0;
        SnapshotWanted = false;
        if (_incoming is not null && (_incoming.Term != term || _incoming.From != leader)) DropIncoming();
        ResetTimers();
    }

    private void BecomeCandidate()
    {
        Invariant.Holds(Role != RaftRole.Leader, "a leader never campaigns (term {0})", Term);
        Invariant.Holds(Term < TermMax, "the term never wraps: term {0} reached TermMax", Term);
        _preCampaigning = false;
        FailReadsOnLeaderChange();
        _transferTarget = 0;
        var previous = Term;
        Term++;
        Invariant.Holds(Term == previous + 1, "a candidate's term grows by one: {0} after {1}", Term, previous);
        Vote = Id;
        Role = RaftRole.Candidate;
        Leader = 0;
        _votes.Clear();
        ResetTimers();
    }
}
