using Cairn.Core.Kv.Wire;
using Google.Protobuf;

namespace Cairn.Core.Kv;

/// <summary>
/// Exactly-once client sessions (Raft dissertation §6.3): per client the highest applied sequence
/// and its reply. Bounded: beyond <see cref="KvOptions.SessionsMax"/> the session used longest ago
/// (by log index) is evicted, and a session idle for more than
/// <see cref="KvOptions.SessionIdleEntriesMax"/> entries expires. Part of the replicated state.
/// </summary>
internal sealed class SessionTable
{
    private readonly KvOptions _options;
    private readonly SortedDictionary<ulong, Session> _sessions = new();
    private readonly SortedSet<(ulong LastIndex, ulong ClientId)> _byLastUse = new();

    internal SessionTable(KvOptions options) => _options = options;

    internal sealed class Session
    {
        internal ulong LastSequence { get; set; }

        internal byte[] LastReply { get; set; } = [];

        internal ulong LastIndex { get; set; }
    }

    internal enum Verdict
    {
        /// <summary>A new sequence: apply it.</summary>
        Apply,

        /// <summary>The last applied sequence again: answer from the cache.</summary>
        Duplicate,

        /// <summary>An older sequence whose reply is gone.</summary>
        Stale,

        /// <summary>No such session (never registered, evicted or expired).</summary>
        Expired,
    }

    internal int Count => _sessions.Count;

    /// <summary>Client ids whose session was opened, used, evicted or expired since the store last persisted
    /// them; null when the state machine has no durable store.</summary>
    internal SortedSet<ulong>? Changed { get; set; }

    /// <summary>The session of <paramref name="clientId"/> as a record, or null when it is gone.</summary>
    internal SessionRecord? Find(ulong clientId) =>
        _sessions.TryGetValue(clientId, out Session? s)
            ? new SessionRecord { ClientId = clientId, LastSequence = s.LastSequence, LastReply = ByteString.CopyFrom(s.LastReply), LastIndex = s.LastIndex }
            : null;

    /// <summary>Opens a session whose id is the log index of the registering entry.</summary>
    internal ulong Register(ulong index)
    {
        Invariant.Holds(!_sessions.ContainsKey(index), "log indexes are unique");
        _sessions.Add(index, new Session { LastIndex = index });
        _byLastUse.Add((index, index));
        Changed?.Add(index);
        while (_sessions.Count > _options.SessionsMax)
        {
            Remove(_byLastUse.Min.ClientId);
        }
        return index;
    }

    internal Verdict Judge(ulong clientId, ulong sequence, out byte[] cachedReply)
    {
        cachedReply = [];
        if (!_sessions.TryGetValue(clientId, out Session? session))
        {
            return Verdict.Expired;
        }
        if (sequence > session.LastSequence)
        {
            return Verdict.Apply;
        }
        if (sequence == session.LastSequence)
        {
            cachedReply = session.LastReply;
            return Verdict.Duplicate;
        }
        return Verdict.Stale;
    }

    internal void Record(ulong clientId, ulong sequence, byte[] reply, ulong index)
    {
        Session session = _sessions[clientId];
        Invariant.Holds(sequence > session.LastSequence && index > session.LastIndex, "a session advances in sequence and log index: sequence {0} after {1}", sequence, session.LastSequence);
        _byLastUse.Remove((session.LastIndex, clientId));
        session.LastSequence = sequence;
        session.LastReply = reply;
        session.LastIndex = index;
        _byLastUse.Add((index, clientId));
        Changed?.Add(clientId);
    }

    /// <summary>Drops sessions idle for more than the limit as of log <paramref name="index"/>.</summary>
    internal void ExpireIdle(ulong index)
    {
        while (_byLastUse.Count > 0 && index - _byLastUse.Min.LastIndex > _options.SessionIdleEntriesMax)
        {
            Remove(_byLastUse.Min.ClientId);
        }
    }

    internal IEnumerable<SessionRecord> Export()
    {
        return _sessions.Select(p => new SessionRecord
        {
            ClientId = p.Key,
            LastSequence = p.Value.LastSequence,
            LastReply = ByteString.CopyFrom(p.Value.LastReply),
            LastIndex = p.Value.LastIndex,
        });
    }

    internal void Import(IEnumerable<SessionRecord> records)
    {
        Changed?.UnionWith(_sessions.Keys);
        _sessions.Clear();
        _byLastUse.Clear();
        foreach (SessionRecord r in records)
        {
            _sessions.Add(r.ClientId, new Session { LastSequence = r.LastSequence, LastReply = r.LastReply.ToByteArray(), LastIndex = r.LastIndex });
            _byLastUse.Add((r.LastIndex, r.ClientId));
            Changed?.Add(r.ClientId);
        }
    }

    private void Remove(ulong clientId)
    {
        Session session = _sessions[clientId];
        _sessions.Remove(clientId);
        _byLastUse.Remove((session.LastIndex, clientId));
        Changed?.Add(clientId);
    }
}
