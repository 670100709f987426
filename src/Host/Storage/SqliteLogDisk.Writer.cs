using System.Diagnostics;
using Cairn.Core.Runtime;
using Microsoft.Data.Sqlite;

namespace Cairn.Host.Storage;

public sealed partial class SqliteLogDisk
{
    /// <summary>When the oldest write of the batch being committed was submitted, and when the writer took it
    /// (Stopwatch timestamps; writer thread only).</summary>
    private long _batchSubmittedAt, _batchTakenAt, _batchExecutedAt;

    private void WriterLoop()
    {
        var batch = new List<DiskWrite>(WritesPerCommitMax);
        while (TakeBatch(batch))
        {
            if (AcknowledgeBeforeCommitCanary)
            {
                foreach (var write in batch) _onDurable(write.Id);
                Interlocked.Add(ref _writesDurable, batch.Count);
                _onGroupDurable?.Invoke(batch[^1].Id);
                CommitWithRetry(batch);
                continue;
            }
            if (_failure is null) CommitWithRetry(batch);
            if (_failure is not null)
            {
                foreach (var write in batch) _onFailed(write.Id, _failure);
                continue;
            }
            ReportTimes(batch.Count);
            foreach (var write in batch) _onDurable(write.Id);
            Interlocked.Add(ref _writesDurable, batch.Count);
            _onGroupDurable?.Invoke(batch[^1].Id);
        }
    }

    /// <summary>Tells <see cref="CommitTimed"/> where the batch's time went: queue wait of its oldest write,
    /// the statements, and the COMMIT (the WAL fsync).</summary>
    private void ReportTimes(int writes)
    {
        if (CommitTimed is not { } report) return;
        long now = Stopwatch.GetTimestamp();
        report(new LogCommitTimes(writes,
            Stopwatch.GetElapsedTime(_batchSubmittedAt, _batchTakenAt).TotalSeconds,
            Stopwatch.GetElapsedTime(_batchTakenAt, _batchExecutedAt).TotalSeconds,
            Stopwatch.GetElapsedTime(_batchExecutedAt, now).TotalSeconds));
    }

    /// <summary>Waits for writes and takes every queued one (up to <see cref="WritesPerCommitMax"/>): the
    /// writes that arrived while the previous commit ran. False once stopping with nothing left.</summary>
    private bool TakeBatch(List<DiskWrite> batch)
    {
        batch.Clear();
        lock (_gate)
        {
            while (_queue.Count == 0 && !_stopping) Monitor.Wait(_gate);
            if (_queue.Count > 0) _batchSubmittedAt = _queue.Peek().SubmittedAt;
            _batchTakenAt = Stopwatch.GetTimestamp();
            while (_queue.Count > 0 && batch.Count < WritesPerCommitMax) batch.Add(_queue.Dequeue().Write);
            Monitor.PulseAll(_gate);
            return batch.Count > 0;
        }
    }

    /// <summary>Commits the batch; on a full disk waits and retries until it fits or the disk is disposed.</summary>
    private void CommitWithRetry(List<DiskWrite> batch)
    {
        while (true)
        {
            try
            {
                Commit(batch);
                _outOfSpace = false;
                return;
            }
            catch (SqliteException e) when (SqliteFiles.IsFull(e))
            {
                Rollback();
                _outOfSpace = true;
                if (WaitForSpace()) continue;
                _failure = "log disk full while shutting down";
                return;
            }
            catch (Exception e) when (e is SqliteException or InvalidOperationException or IOException)
            {
                Rollback();
                _failure = $"log disk write failed: {e.Message}";
                return;
            }
        }
    }

    private void Commit(List<DiskWrite> batch)
    {
        BeforeCommit?.Invoke(_connection);
        SqliteFiles.Execute(_connection, "BEGIN IMMEDIATE");
        foreach (var write in batch) _tables.Apply(write);
        _batchExecutedAt = Stopwatch.GetTimestamp();
        SqliteFiles.Execute(_connection, "COMMIT");
        Interlocked.Increment(ref _commits);
    }

    private void Rollback()
    {
        try
        {
            if (!_connection.State.HasFlag(System.Data.ConnectionState.Open)) return;
            SqliteFiles.Execute(_connection, "ROLLBACK");
        }
        catch (SqliteException)
        {
            // No transaction was open (SQLite may already have rolled it back).
        }
    }

    /// <summary>Sleeps <see cref="FullRetryDelayMs"/> unless disposing; true to retry.</summary>
    private bool WaitForSpace()
    {
        lock (_gate)
        {
            if (_stopping) return false;
            Monitor.Wait(_gate, FullRetryDelayMs);
            return !_stopping;
        }
    }
}

/// <summary>Where one log transaction's time went, in seconds: how long its oldest write waited in the queue
/// for the writer, the SQL statements of all its writes, and the COMMIT (the WAL fsync).</summary>
internal readonly record struct LogCommitTimes(int Writes, double QueueWaitSeconds, double ExecuteSeconds, double CommitSeconds);
