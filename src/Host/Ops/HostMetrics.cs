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

    public void ObserveFsync(double seconds) => _fsync.Observe(seconds);

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

    /// <summary>The KV store's sizes, as Maintenance.Status reports them (dbSize, dbSizeInUse).</summary>
    public void SetDbSize(long bytes, long bytesInUse)
    {
        _dbSize.Set(bytes);
        _dbSizeInUse.Set(bytesInUse);
    }
}
