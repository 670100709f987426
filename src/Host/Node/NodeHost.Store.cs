using Cairn.Core.Kv.Wire;
using Cairn.Core.Raft;
using Cairn.Host.Storage;
using Microsoft.Extensions.Logging;

namespace Cairn.Host.Node;

/// <summary>
/// The durable KV store (<see cref="KvFileName"/> in the member dir): the state machine applies into it, the
/// runtime commits its apply batches, and a restart replays only the log after its applied index. Its sizes
/// and the replicated alarms are published here for threads other than the loop.
/// </summary>
internal sealed partial class NodeHost
{
    /// <summary>The KV (MVCC) database in the member dir (SQLite, with -wal and -shm beside it).</summary>
    public const string KvFileName = "kv.db";

    /// <summary>Heartbeat waits a defragmentation spends for the applied entries to become durable in the log.</summary>
    public const int DefragmentWaitsMax = 100;

    /// <summary>How often the loop samples the store's sizes for the metrics.</summary>
    public static readonly TimeSpan StoreSizeSampleInterval = TimeSpan.FromSeconds(1);

    private SqliteMvccBackend _store = null!;
    private IReadOnlyList<AlarmMember> _alarms = [];
    private ulong _alarmsSeenAt = ulong.MaxValue;
    private long _lastSizeSampleMs = long.MinValue;

    /// <summary>The replicated alarms as of the last applied entry (readable from any thread).</summary>
    public IReadOnlyList<AlarmMember> CurrentAlarms => Volatile.Read(ref _alarms);

    /// <summary>Physical size of the KV store in bytes (etcd's dbSize); only on the loop.</summary>
    public long StoreSizeBytes => _store.SizeBytes;

    /// <summary>Bytes of the KV store holding data, free pages left out (etcd's dbSizeInUse); only on the loop.</summary>
    public long StoreSizeInUseBytes => _store.SizeInUseBytes;

    private SqliteMvccBackend OpenStore()
    {
        _store = new SqliteMvccBackend(Path.Combine(Settings.MemberDir, KvFileName));
        LogStoreOpened(_log, Settings.MemberId.ToString("x16"), _store.AppliedIndex, _store.CurrentRevision);
        return _store;
    }

    /// <summary>
    /// etcd's defragmentation: commits the open apply batch, then rewrites the KV store without its free pages
    /// (on the loop, which it blocks meanwhile, as etcd's does) and the Raft log database beside it. The batch
    /// is committed only once every applied entry is durable in this member's log (the store is never ahead
    /// of the log it replays), so this waits up to <see cref="DefragmentWaitsMax"/> heartbeats for that.
    /// </summary>
    public async Task Defragment(CancellationToken cancel)
    {
        for (int wait = 0; wait < DefragmentWaitsMax; wait++)
        {
            if (await Loop.Ask(TryDefragmentStore).WaitAsync(Settings.RequestTimeout, cancel).ConfigureAwait(false))
            {
                await Task.Run(_disk.Defragment, cancel).ConfigureAwait(false);
                return;
            }
            await Task.Delay(Settings.Flags.HeartbeatIntervalMs, cancel).ConfigureAwait(false);
        }
        throw new TimeoutException("the applied entries did not become durable in the log");
    }

    private bool TryDefragmentStore()
    {
        RaftNode raft = Kv.Runtime.Raft;
        if (raft.AppliedIndex > raft.StableIndex) return false;
        Kv.StateMachine.PersistApplied();
        _store.Defragment();
        SampleStoreSize(force: true);
        return true;
    }

    /// <summary>A clean stop commits the open apply batch when the log covers it, so the restart replays
    /// nothing; otherwise the batch is left to the log, as after a crash.</summary>
    private void PersistOnShutdown()
    {
        RaftNode raft = Kv.Runtime.Raft;
        if (!Kv.Runtime.Stopped && raft.AppliedIndex <= raft.StableIndex) Kv.StateMachine.PersistApplied();
    }

    /// <summary>Publishes the alarms when an entry was applied since the last look (on the loop).</summary>
    private void PublishAlarms()
    {
        ulong applied = Kv.StateMachine.AppliedIndex;
        if (applied == _alarmsSeenAt) return;
        _alarmsSeenAt = applied;
        Volatile.Write(ref _alarms, Kv.StateMachine.Alarms());
    }

    /// <summary>Reports the store's sizes to the metrics, at most once per <see cref="StoreSizeSampleInterval"/> (on the loop).</summary>
    private void SampleStoreSize(bool force = false)
    {
        long now = _clock.NowMs;
        if (!force && now - _lastSizeSampleMs < (long)StoreSizeSampleInterval.TotalMilliseconds) return;
        _lastSizeSampleMs = now;
        Metrics.SetDbSize(_store.SizeBytes, _store.SizeInUseBytes);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "member {MemberId} opened its KV store at applied index {AppliedIndex}, revision {Revision}; the log is replayed from there")]
    private static partial void LogStoreOpened(ILogger log, string memberId, ulong appliedIndex, long revision);
}
