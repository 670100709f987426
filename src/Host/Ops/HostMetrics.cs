using Cairn.Core.Kv;
using Cairn.Core.Raft;
using Cairn.Core.Runtime;
using Prometheus;

namespace Cairn.Host.Ops;

/// <summary>Prometheus metrics under etcd's names where the meaning is the same, so etcd dashboards work.</summary>
internal sealed class HostMetrics
{
    private readonly Gauge _hasLeader = Metrics.CreateGauge("etcd_server_has_leader", "Whether or not a leader exists. 1 is existence, 0 is not.");
    private readonly Gauge _isLeader = Metrics.CreateGauge("etcd_server_is_leader", "Whether or not this member is a leader. 1 if is, 0 otherwise.");
    private readonly Gauge _committed = Metrics.CreateGauge("etcd_server_proposals_committed_total", "The total number of consensus proposals committed.");
    private readonly Gauge _applied = Metrics.CreateGauge("etcd_server_proposals_applied_total", "The total number of consensus proposals applied.");
    private readonly Gauge _dbSize = Metrics.CreateGauge("etcd_mvcc_db_total_size_in_bytes", "Total size of the underlying database physically allocated in bytes.");
    private readonly Gauge _dbSizeInUse = Metrics.CreateGauge("etcd_mvcc_db_total_size_in_use_in_bytes", "Total size of the underlying database logically in use in bytes.");
    private readonly Gauge _term = Metrics.CreateGauge("etcd_server_term", "The current raft term (cairn).");
    private readonly Histogram _fsync = Metrics.CreateHistogram("etcd_disk_wal_fsync_duration_seconds", "The latency distributions of fsync called by WAL.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 14) });
    private readonly Histogram _peerRtt = Metrics.CreateHistogram("etcd_network_peer_round_trip_time_seconds", "Round-Trip-Time histogram between peers",
        new HistogramConfiguration { LabelNames = ["To"], Buckets = Histogram.ExponentialBuckets(0.0001, 2, 16) });

    public HostMetrics()
    {
        _ = BackendCommit; // registered even before the SQLite backend reports
        ProcessMetrics.Register(Metrics.DefaultRegistry);
    }

    public Counter LeaderChanges { get; } = Metrics.CreateCounter("etcd_server_leader_changes_seen_total", "The number of leader changes seen.");

    public Gauge ProposalsPending { get; } = Metrics.CreateGauge("etcd_server_proposals_pending", "The current number of pending proposals to commit.");

    public Counter ProposalsFailed { get; } = Metrics.CreateCounter("etcd_server_proposals_failed_total", "The total number of failed proposals seen.");

    public Histogram BackendCommit { get; } = Metrics.CreateHistogram("etcd_disk_backend_commit_duration_seconds", "The latency distributions of commit called by backend.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 14) });

    public Counter GrpcHandled { get; } = Metrics.CreateCounter("grpc_server_handled_total", "Total number of RPCs completed on the server, regardless of success or failure.",
        new CounterConfiguration { LabelNames = ["grpc_type", "grpc_service", "grpc_method", "grpc_code"] });

    public Counter GrpcStarted { get; } = Metrics.CreateCounter("grpc_server_started_total", "Total number of RPCs started on the server.",
        new CounterConfiguration { LabelNames = ["grpc_type", "grpc_service", "grpc_method"] });

    /// <summary>Submit to durable of one log write (queue wait, statements and fsync of its group commit).</summary>
    public Histogram WalWrite { get; } = Metrics.CreateHistogram("cairn_disk_wal_write_duration_seconds", "Submit to durable of one Raft log write, group commit included (cairn).",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16) });

    /// <summary>How long a log transaction's oldest write waited for the writer thread.</summary>
    public Histogram WalQueueWait { get; } = Metrics.CreateHistogram("cairn_disk_wal_queue_wait_seconds", "Time the oldest write of a log transaction waited for the writer (cairn).",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0001, 2, 18) });

    /// <summary>The SQL statements of one log transaction, before its COMMIT.</summary>
    public Histogram WalExecute { get; } = Metrics.CreateHistogram("cairn_disk_wal_execute_duration_seconds", "SQL statements of one log transaction before its COMMIT (cairn).",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0001, 2, 18) });

    /// <summary>Writes per log transaction (group commit size).</summary>
    public Histogram WalWritesPerCommit { get; } = Metrics.CreateHistogram("cairn_disk_wal_writes_per_commit", "Raft log writes per SQLite transaction (cairn).",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 2, 11) });

    /// <summary>One drain of the node loop: the inputs of one batch, their Ready, then the after-batch work.</summary>
    public Histogram LoopBatch { get; } = Metrics.CreateHistogram("cairn_node_loop_batch_duration_seconds", "One batch of node loop inputs, carried out (cairn).",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0001, 2, 18) });

    /// <summary>From the tick timer's post to the tick running on the loop: how late heartbeats and elections are.</summary>
    public Histogram TickDelay { get; } = Metrics.CreateHistogram("cairn_node_loop_tick_delay_seconds", "Time a tick waited in the node loop's queue (cairn).",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0001, 2, 18) });

    /// <summary>Seconds the node loop spent, by part: <c>batch</c> (all of it), <c>apply</c>, <c>backend_commit</c>.</summary>
    public Counter LoopSeconds { get; } = Metrics.CreateCounter("cairn_node_loop_seconds_total", "Seconds the node loop spent, by part (cairn).",
        new CounterConfiguration { LabelNames = ["part"] });

    /// <summary>Thread-pool work items waiting for a thread (sampled every tick).</summary>
    public Gauge ThreadPoolQueued { get; } = Metrics.CreateGauge("cairn_threadpool_queued_work_items", "Thread-pool work items waiting for a thread (cairn).");

    /// <summary>Thread-pool threads (sampled every tick).</summary>
    public Gauge ThreadPoolThreads { get; } = Metrics.CreateGauge("cairn_threadpool_threads", "Thread-pool threads (cairn).");

    /// <summary>One log transaction: fsync (the COMMIT, etcd's WAL fsync), queue wait, statements, size.</summary>
    public void ObserveLogCommit(double queueWaitSeconds, double executeSeconds, double commitSeconds, int writes)
    {
        _fsync.Observe(commitSeconds);
        WalQueueWait.Observe(queueWaitSeconds);
        WalExecute.Observe(executeSeconds);
        WalWritesPerCommit.Observe(writes);
    }

    public void ObservePeerRoundTrip(ulong peer, double seconds) => _peerRtt.WithLabels(peer.ToString("x16")).Observe(seconds);

    /// <summary>Samples the node's state after an input (on the loop).</summary>
    public void Observe(RaftNode raft, KvStateMachine stateMachine, NodeRuntime runtime)
    {
        _hasLeader.Set(raft.Leader != 0 ? 1 : 0);
        _isLeader.Set(raft.Role == RaftRole.Leader ? 1 : 0);
        _committed.Set(raft.CommitIndex);
        _applied.Set(stateMachine.AppliedIndex);
        _term.Set(raft.Term);
    }

    /// <summary>Time the runtime paused every thread for garbage collection.</summary>
    public Gauge GcPause { get; } = Metrics.CreateGauge("cairn_gc_pause_seconds_total", "Total time the .NET runtime paused all threads for GC (cairn).");

    /// <summary>Garbage collections so far, by generation.</summary>
    public Gauge GcCollections { get; } = Metrics.CreateGauge("cairn_gc_collections_total", "Garbage collections so far, by generation (cairn).",
        new GaugeConfiguration { LabelNames = ["generation"] });

    /// <summary>Inputs waiting for the node loop, by queue (<c>raft</c>: ticks, frames, disk completions; <c>client</c>).</summary>
    public Gauge LoopQueued { get; } = Metrics.CreateGauge("cairn_node_loop_queued_inputs", "Inputs waiting for the node loop, by queue (cairn).",
        new GaugeConfiguration { LabelNames = ["queue"] });

    /// <summary>Samples the thread pool, GC pauses and the loop's queues (on a tick).</summary>
    public void SampleRuntime(int raftQueued, int clientQueued)
    {
        ThreadPoolQueued.Set(ThreadPool.PendingWorkItemCount);
        ThreadPoolThreads.Set(ThreadPool.ThreadCount);
        GcPause.Set(GC.GetTotalPauseDuration().TotalSeconds);
        for (int generation = 0; generation <= 2; generation++)
            GcCollections.WithLabels(generation.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set(GC.CollectionCount(generation));
        LoopQueued.WithLabels("raft").Set(raftQueued);
        LoopQueued.WithLabels("client").Set(clientQueued);
    }

    /// <summary>The KV store's sizes, as Maintenance.Status reports them (dbSize, dbSizeInUse).</summary>
    public void SetDbSize(long bytes, long bytesInUse)
    {
        _dbSize.Set(bytes);
        _dbSizeInUse.Set(bytesInUse);
    }
}
