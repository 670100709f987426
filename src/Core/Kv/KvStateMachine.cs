using Cairn.Core.Kv.Wire;
using Cairn.Core.StateMachine;
using Google.Protobuf;

namespace Cairn.Core.Kv;

/// <summary>
/// The etcd v3 KV state machine: applies committed <see cref="KvCommand"/> entries with etcd's
/// semantics and exactly-once sessions, answers linearizable or serializable reads from the
/// applied state (<see cref="Read"/>), and owns the node-local <see cref="Watches"/> and
/// <see cref="Lessor"/> that observe it. Deterministic, single-threaded, no I/O.
/// </summary>
public sealed partial class KvStateMachine : IStateMachine
{
    private readonly KvOptions _options;
    private readonly KvBugs _bugs;
    private readonly KvStore _store;
    private readonly SessionTable _sessions;

    /// <summary>Creates a state machine over <paramref name="backend"/>.</summary>
    /// <param name="options">Replicated limits; identical on every replica. Defaults to <see cref="KvOptions.Default"/>.</param>
    /// <param name="backend">The MVCC backend: an empty in-memory one (the default is <see cref="InMemoryMvccBackend"/>),
    /// or a durable store, whose committed state (data, leases, sessions, applied index) the machine starts from.</param>
    /// <param name="watchOptions">Limits of the local watch hub.</param>
    /// <param name="lessorOptions">Options of the local lessor.</param>
    public KvStateMachine(
        KvOptions? options = null,
        IMvccBackend? backend = null,
        WatchOptions? watchOptions = null,
        LessorOptions? lessorOptions = null)
        : this(options, backend, watchOptions, lessorOptions, KvBugs.None)
    {
    }

    internal KvStateMachine(KvOptions? options, IMvccBackend? backend, WatchOptions? watchOptions, LessorOptions? lessorOptions, KvBugs bugs)
    {
        _options = options ?? KvOptions.Default;
        _bugs = bugs;
        backend ??= new InMemoryMvccBackend();
        if (!backend.IsDurable && backend.CurrentRevision != 1)
            throw new ArgumentException("an in-memory backend must start empty", nameof(backend));
        _store = new KvStore(backend, _options, bugs);
        _sessions = new SessionTable(_options);
        Watches = new WatchHub(backend, watchOptions ?? WatchOptions.Default, bugs);
        lessorOptions ??= LessorOptions.Default;
        if (bugs.LeaseExpiresEarly)
        {
            lessorOptions = lessorOptions with { ClockDriftMaxPpm = 0, ExpiryMarginMs = 0 }; // canary: raw local clock
        }
        Lessor = new Lessor(_store.Leases, lessorOptions);
        if (backend.IsDurable) LoadDurable();
    }

    /// <inheritdoc />
    public ulong AppliedIndex { get; private set; }

    /// <summary>The revision of the last applied write (1 for an empty store, as in etcd).</summary>
    public long Revision => _store.Backend.CurrentRevision;

    /// <summary>The last compaction revision (0 when never compacted).</summary>
    public long CompactRevision => _store.Backend.CompactRevision;

    /// <summary>The replicated lease table (read-only use).</summary>
    internal LeaseTable Leases => _store.Leases;

    /// <summary>Number of open exactly-once sessions.</summary>
    public int SessionCount => _sessions.Count;

    /// <summary>Watches over this replica's applied state.</summary>
    internal WatchHub Watches { get; }

    /// <summary>Remaining-time tracking for leases; active only on the leader.</summary>
    internal Lessor Lessor { get; }

    /// <summary>Answers a range read from the applied state. Not replicated: call it after a ReadIndex
    /// confirmation for a linearizable read, or directly for a serializable one.</summary>
    /// <returns>A result holding <see cref="KvResult.Range"/> or an error (COMPACTED, FUTURE_REVISION, EMPTY_KEY).</returns>
    public KvResult Read(RangeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return new KvResult { Range = _store.Range(request) };
        }
        catch (KvRequestException e)
        {
            return e.ToResult();
        }
    }

    /// <summary>All leases (etcd LeaseLeases), answerable on any replica.</summary>
    public LeaseLeasesResponse ListLeases()
    {
        var response = new LeaseLeasesResponse { Header = new ResponseHeader { Revision = Revision } };
        response.Leases.AddRange(_store.Leases.All.Select(l => new LeaseStatus { ID = l.Id }));
        return response;
    }

    /// <inheritdoc />
    public byte[] Apply(ulong index, ReadOnlySpan<byte> command)
    {
        if (index <= AppliedIndex)
        {
            throw new InvalidOperationException($"entry {index} applied out of order (applied {AppliedIndex})");
        }
        OpenBatch();
        _sessions.ExpireIdle(index);
        byte[] reply = ApplyCommand(index, command);
        AppliedIndex = index;
        foreach (RevisionEvents committed in _store.TakeCommitted())
        {
            Watches.Publish(committed);
        }
        return reply;
    }

    private byte[] ApplyCommand(ulong index, ReadOnlySpan<byte> bytes)
    {
        KvCommand command;
        try
        {
            command = KvCommand.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            return Refuse(KvErrorCode.MalformedCommand, "malformed command: " + e.Message);
        }
        if (command.ClientId == 0)
        {
            return Execute(index, command, bytes.Length).ToByteArray();
        }
        return ApplyInSession(index, command, bytes.Length);
    }

    private byte[] ApplyInSession(ulong index, KvCommand command, int size)
    {
        switch (_sessions.Judge(command.ClientId, command.Sequence, out byte[] cached))
        {
            case SessionTable.Verdict.Duplicate when !_bugs.SkipDeduplication:
                return cached;
            case SessionTable.Verdict.Duplicate:
                return Execute(index, command, size).ToByteArray(); // canary: applied twice
            case SessionTable.Verdict.Stale:
                return Refuse(KvErrorCode.StaleSequence,
                    $"sequence {command.Sequence} is older than the last applied one of client {command.ClientId}");
            case SessionTable.Verdict.Expired:
                return Refuse(KvErrorCode.SessionExpired, $"session {command.ClientId} is unknown or expired");
        }
        byte[] reply = Execute(index, command, size).ToByteArray();
        _sessions.Record(command.ClientId, command.Sequence, reply, index);
        return reply;
    }

    private static byte[] Refuse(KvErrorCode code, string message)
    {
        return new KvRequestException(code, message).ToResult().ToByteArray();
    }
}
