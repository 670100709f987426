using Cairn.Core.Kv.Wire;

namespace Cairn.Core.Kv;

/// <summary>
/// The leader-side, non-replicated half of leases: remaining time. Time enters only through
/// <see cref="Tick"/> as an injected millisecond reading; only positive differences between
/// readings count, so a clock that jumps backwards adds no elapsed time. Like etcd's lessor, a
/// new leader (<see cref="Promote"/>) restarts every lease at its full granted TTL, and only the
/// leader answers keep-alive and time-to-live; followers refuse with NOT_LEADER.
/// Conservative by design: a lease runs for <see cref="LessorOptions.ClockDriftMaxPpm"/> longer than its
/// TTL on the local clock, plus <see cref="LessorOptions.ExpiryMarginMs"/>, so a fast leader clock never
/// expires it before its TTL has run in true time since the keep-alive (or grant) was sent.
/// </summary>
internal sealed class Lessor
{
    private readonly LeaseTable _table;
    private readonly LessorOptions _options;
    private readonly Dictionary<long, long> _expiryById = new();
    private readonly SortedSet<(long ExpiryMs, long Id)> _byExpiry = new();
    private readonly SortedSet<long> _reportedExpired = new();
    private long? _lastReadingMs;

    internal Lessor(LeaseTable table, LessorOptions options)
    {
        _table = table;
        _options = options;
    }

    /// <summary>True on the leader, between <see cref="Promote"/> and <see cref="Demote"/>.</summary>
    public bool IsPrimary { get; private set; }

    /// <summary>Milliseconds of elapsed time observed so far (the lessor's own monotonic clock).</summary>
    public long ElapsedMs { get; private set; }

    /// <summary>Becomes the primary lessor: every lease restarts with its full granted TTL.</summary>
    /// <param name="nowMs">The current clock reading.</param>
    public void Promote(long nowMs)
    {
        Advance(nowMs);
        IsPrimary = true;
        ResetAll();
    }

    /// <summary>Stops tracking time (this node is no longer the leader).</summary>
    public void Demote()
    {
        IsPrimary = false;
        _expiryById.Clear();
        _byExpiry.Clear();
        _reportedExpired.Clear();
    }

    /// <summary>Advances time and returns the ids of expired leases, ascending by expiry, for the
    /// leader to propose as <see cref="LeaseExpireRequest"/> commands. A reported lease is reported
    /// again after <see cref="LessorOptions.ExpiredRetryMs"/> if it still exists.</summary>
    /// <param name="nowMs">The current clock reading, in milliseconds.</param>
    public IReadOnlyList<long> Tick(long nowMs)
    {
        Advance(nowMs);
        var expired = new List<long>();
        while (IsPrimary && _byExpiry.Count > 0 && _byExpiry.Min.ExpiryMs <= ElapsedMs
               && expired.Count < _options.ExpiredPerTickMax)
        {
            long id = _byExpiry.Min.Id;
            expired.Add(id);
            SetExpiry(id, ElapsedMs + _options.ExpiredRetryMs);
            _reportedExpired.Add(id);
        }
        return expired;
    }

    /// <summary>Renews a lease to its full TTL (etcd LeaseKeepAlive). TTL 0 when the lease does not exist
    /// or has already expired: an expired lease is never revived, its revoke is on the way.</summary>
    public LeaseKeepAliveResponse KeepAlive(LeaseKeepAliveRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequirePrimary();
        LeaseTable.Lease? lease = _table.Find(request.ID);
        if (lease is null || RemainingMs(request.ID) <= 0 || _reportedExpired.Contains(request.ID))
        {
            return new LeaseKeepAliveResponse { Header = new ResponseHeader(), ID = request.ID, TTL = 0 };
        }
        SetExpiry(lease.Id, ElapsedMs + LeaseSpanMs(lease.TtlSeconds));
        return new LeaseKeepAliveResponse { Header = new ResponseHeader(), ID = lease.Id, TTL = lease.TtlSeconds };
    }

    /// <summary>Remaining and granted TTL of a lease (etcd LeaseTimeToLive); TTL -1 when it does not exist.</summary>
    public LeaseTimeToLiveResponse TimeToLive(LeaseTimeToLiveRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequirePrimary();
        LeaseTable.Lease? lease = _table.Find(request.ID);
        if (lease is null)
        {
            return new LeaseTimeToLiveResponse { Header = new ResponseHeader(), ID = request.ID, TTL = -1 };
        }
        var response = new LeaseTimeToLiveResponse
        {
            Header = new ResponseHeader(),
            ID = lease.Id,
            TTL = ClientRemainingSeconds(lease),
            GrantedTTL = lease.TtlSeconds,
        };
        if (request.Keys)
        {
            response.Keys.AddRange(lease.Keys);
        }
        return response;
    }

    internal void OnGranted(long id, long ttlSeconds)
    {
        if (IsPrimary)
        {
            SetExpiry(id, ElapsedMs + LeaseSpanMs(ttlSeconds));
        }
    }

    internal void OnRevoked(long id)
    {
        _reportedExpired.Remove(id);
        if (_expiryById.Remove(id, out long expiry))
        {
            _byExpiry.Remove((expiry, id));
        }
    }

    /// <summary>After a snapshot replaced the lease table: a primary restarts every lease.</summary>
    internal void OnRestored()
    {
        if (IsPrimary)
        {
            ResetAll();
        }
    }

    private void ResetAll()
    {
        _expiryById.Clear();
        _byExpiry.Clear();
        _reportedExpired.Clear();
        foreach (LeaseTable.Lease lease in _table.All)
        {
            SetExpiry(lease.Id, ElapsedMs + LeaseSpanMs(lease.TtlSeconds));
        }
    }

    /// <summary>How long a lease of <paramref name="ttlSeconds"/> runs on the local clock: the TTL stretched
    /// by the worst drift, plus the tick margin.</summary>
    private long LeaseSpanMs(long ttlSeconds)
    {
        long ttlMs = ttlSeconds * 1000;
        return ttlMs + (ttlMs * _options.ClockDriftMaxPpm / 1_000_000) + _options.ExpiryMarginMs;
    }

    /// <summary>What a client sees as remaining: the lessor's margins (drift, tick) taken off, whole seconds
    /// truncated as etcd's int64(Remaining().Seconds()) does, so 59 a moment after a 60 s grant.</summary>
    private long ClientRemainingSeconds(LeaseTable.Lease lease)
    {
        long marginsMs = LeaseSpanMs(lease.TtlSeconds) - (lease.TtlSeconds * 1000);
        return Math.Clamp((RemainingMs(lease.Id) - marginsMs) / 1000, 0, lease.TtlSeconds);
    }

    private long RemainingMs(long id) => _expiryById.TryGetValue(id, out long expiry) ? expiry - ElapsedMs : 0;

    private void SetExpiry(long id, long expiryMs)
    {
        if (_expiryById.Remove(id, out long previous))
        {
            _byExpiry.Remove((previous, id));
        }
        _expiryById[id] = expiryMs;
        _byExpiry.Add((expiryMs, id));
        Invariant.Holds(_expiryById.Count == _byExpiry.Count, "the lessor's expiry indexes agree: {0} by id, {1} by expiry", (long)_expiryById.Count, (long)_byExpiry.Count);
    }

    private void Advance(long nowMs)
    {
        if (_lastReadingMs is long last && nowMs > last)
        {
            ElapsedMs += nowMs - last;
        }
        _lastReadingMs = nowMs;
    }

    private void RequirePrimary()
    {
        if (!IsPrimary)
        {
            throw new KvRequestException(KvErrorCode.NotLeader, "etcdserver: not leader");
        }
    }
}
