using Cairn.Core.Kv.Wire;
using Google.Protobuf;

namespace Cairn.Host.Storage;

/// <summary>Leases and exactly-once sessions, stored with the data (inside the open batch, if any).</summary>
public sealed partial class SqliteMvccBackend
{
    /// <summary>Stores (or replaces) lease <paramref name="id"/> with its granted TTL in seconds.</summary>
    public void PutLease(long id, long ttlSeconds)
    {
        EnsureTransaction();
        Bind("INSERT OR REPLACE INTO mvcc_leases (id, ttl, crc) VALUES ($0, $1, $2)", id, ttlSeconds, RecordChecksum.OfPair("lease", id, ttlSeconds)).ExecuteNonQuery();
        CommitUnlessBatched();
    }

    /// <summary>Removes lease <paramref name="id"/> (revoked or expired).</summary>
    public void DeleteLease(long id)
    {
        EnsureTransaction();
        Bind("DELETE FROM mvcc_leases WHERE id = $0", id).ExecuteNonQuery();
        CommitUnlessBatched();
    }

    /// <summary>Every stored lease, by id.</summary>
    public IReadOnlyList<LeaseRecord> Leases() => LeasesOf(_connection);

    /// <summary>Stores (or replaces) the session of <see cref="SessionRecord.ClientId"/>.</summary>
    public void PutSession(SessionRecord session)
    {
        ArgumentNullException.ThrowIfNull(session);
        EnsureTransaction();
        var bytes = session.ToByteArray();
        Bind("INSERT OR REPLACE INTO mvcc_sessions (client_id, record, crc) VALUES ($0, $1, $2)", (long)session.ClientId, bytes, RecordChecksum.Of(bytes)).ExecuteNonQuery();
        CommitUnlessBatched();
    }

    /// <summary>Removes the session of <paramref name="clientId"/> (expired).</summary>
    public void DeleteSession(ulong clientId)
    {
        EnsureTransaction();
        Bind("DELETE FROM mvcc_sessions WHERE client_id = $0", (long)clientId).ExecuteNonQuery();
        CommitUnlessBatched();
    }

    /// <inheritdoc />
    public void PutAlarms(IReadOnlyList<AlarmMember> alarms)
    {
        ArgumentNullException.ThrowIfNull(alarms);
        EnsureTransaction();
        Bind("DELETE FROM mvcc_alarms").ExecuteNonQuery();
        foreach (var alarm in alarms)
        {
            Bind("INSERT INTO mvcc_alarms (member, alarm, crc) VALUES ($0, $1, $2)", (long)alarm.MemberID, (long)alarm.Alarm,
                RecordChecksum.OfPair("alarm", (long)alarm.MemberID, (long)alarm.Alarm)).ExecuteNonQuery();
        }
        CommitUnlessBatched();
    }

    /// <inheritdoc />
    public IReadOnlyList<AlarmMember> StoredAlarms() => AlarmsOf(_connection);

    /// <inheritdoc />
    /// <remarks>SQLite's <c>VACUUM</c>: rewrites the database without its free pages, so <see cref="SizeBytes"/>
    /// drops by what compaction freed; then a truncating WAL checkpoint moves the rewrite into the file and
    /// empties the WAL, so the file on disk shrinks too. Refused while a transaction (an apply batch) is open.</remarks>
    public void Defragment()
    {
        if (_inTransaction) throw new InvalidOperationException("defragmentation needs the apply batch committed first");
        _writeGeneration++;
        SqliteFiles.Execute(_connection, "VACUUM");
        if (!InMemory) CheckpointTruncate();
    }

    /// <summary>Most attempts to checkpoint the whole WAL after a VACUUM (the background checkpointer's own
    /// checkpoint can hold the lock for a moment; a busy attempt leaves the old pages in the file).</summary>
    private const int TruncateAttemptsMax = 200;

    /// <summary>Copies the WAL back into the database file, shrinking the file to the vacuumed size, and empties
    /// the WAL; retried while another connection's checkpoint is running (SQLite answers busy = 1).</summary>
    private void CheckpointTruncate()
    {
        for (int attempt = 1; ; attempt++)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            using var reader = command.ExecuteReader();
            bool busy = reader.Read() && reader.GetInt64(0) != 0;
            if (!busy) return;
            if (attempt == TruncateAttemptsMax) throw new IOException($"defragmentation: the WAL could not be checkpointed after {TruncateAttemptsMax} attempts (another connection kept it busy)");
            Thread.Sleep(10);
        }
    }

    /// <summary>Every stored session, by client id.</summary>
    public IReadOnlyList<SessionRecord> Sessions() => SessionsOf(_connection);
}
