using System.Collections.Concurrent;
using System.Diagnostics;
using Cairn.Core.Kv;
using Cairn.Core.Kv.Service;
using Cairn.Core.Kv.Wire;
using Cairn.Core.Raft;
using Cairn.Core.Runtime;
using Cairn.Host.Config;
using Cairn.Host.Disk;
using Cairn.Host.Storage;
using Cairn.Host.Ops;
using Cairn.Host.Peers;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Cairn.Host.Node;

/// <summary>
/// One member: its <see cref="KvNode"/> (runtime + KV state machine over its durable store) on a
/// <see cref="NodeLoop"/>, its log disk, its peer transport and its clock. Clients call the thread-safe methods here; each becomes an
/// input of the loop, and the answer comes back through <see cref="IKvReplySink"/> to a completion source.
/// </summary>
internal sealed partial class NodeHost : IKvReplySink, IDisposable
{
    /// <summary>Most client requests waiting for an answer at once.</summary>
    public const int PendingRequestsMax = 16_384;

    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<KvReply>> _pending = new();
    private readonly MonotonicClock _clock = new();
    private readonly ILogger _log;
    private readonly SqliteLogDisk _disk;
    private readonly TimedLogDisk _timing;
    private readonly Timer _ticker;
    private long _nextRequestId;
    private ulong _seenLeader;
    private ulong _seenTerm;
    private long _revision = 1;

    public NodeHost(ServerSettings settings, HostMetrics metrics, ILogger<NodeHost> log)
    {
        Settings = settings;
        Metrics = metrics;
        _log = log;
        Loop = new NodeLoop(Crashed);
        Directory.CreateDirectory(settings.MemberDir);
        Snapshot.SnapshotStream.RemoveLeftovers(settings.MemberDir); // a snapshot save cut short by a crash
        _timing = new TimedLogDisk(metrics.WalWrite.Observe);
        _disk = new SqliteLogDisk(Path.Combine(settings.MemberDir, LogFileName),
            _timing.Durable,
            (id, reason) => Loop.PostRaft(() => Kv!.Runtime.OnDiskWriteFailed(id, reason)),
            lastId => Loop.PostRaft(() => Kv!.Runtime.OnDiskWritesDurableThrough(lastId)));
        _disk.CommitTimed = t => metrics.ObserveLogCommit(t.QueueWaitSeconds, t.ExecuteSeconds, t.CommitSeconds, t.Writes);
        Peers = new PeerTransport(settings, Loop, log);
        var raft = new RaftOptions
        {
            Id = settings.MemberId,
            Peers = settings.Layout.Members.Select(m => m.Id).ToList(),
            ElectionTicks = Math.Max(2, settings.Flags.ElectionTimeoutMs / settings.Flags.HeartbeatIntervalMs),
            HeartbeatTicks = 1,
            PreVote = true,
            SnapshotEntriesThreshold = settings.Flags.SnapshotCount,
            ProposalBytesMax = settings.Flags.MaxRequestBytes + 64 * 1024,
            // etcd's defaults for a real network (MaxInflightMsgs 512, MaxSizePerMsg 1 MiB): with one
            // entry per append under load, the Core's simulator-sized 8 in flight caps throughput at
            // 8 appends per follower fsync round trip.
            InflightAppendsMax = 256,
            AppendEntriesMax = 1024,
            AppendBytesMax = 1024 * 1024,
        };
        var kvOptions = KvOptions.Default with
        {
            RequestBytesMax = settings.Flags.MaxRequestBytes + 64 * 1024,
            QuotaBackendBytes = settings.Flags.QuotaBackendBytes > 0 ? settings.Flags.QuotaBackendBytes : KvOptions.Default.QuotaBackendBytes,
        };
        var stateMachine = new KvStateMachine(kvOptions, OpenStore());
        Counter.Child applySeconds = metrics.LoopSeconds.WithLabels("apply"), commitSeconds = metrics.LoopSeconds.WithLabels("backend_commit");
        var timedStateMachine = new TimedStateMachine(stateMachine, applySeconds.Inc, seconds =>
        {
            commitSeconds.Inc(seconds);
            metrics.BackendCommit.Observe(seconds);
        }, metrics.LoopSeconds.WithLabels("snapshot").Inc);
        Kv = KvNode.Create(sink => new NodeRuntime(raft, new SeededRandom(Environment.TickCount ^ (int)settings.MemberId),
            Peers, _timing.Wrap(_disk), timedStateMachine, sink)
        {
            SnapshotProducer = new SnapshotThread(log, settings.MemberId.ToString("x16"), job => Loop.PostRaft(() => Kv!.Runtime.OnSnapshotProduced(job))),
        }, stateMachine, this);
        Peers.ReceiveOnLoop = frame => Kv.Runtime.Receive(frame);
        // As etcd's transport: a broken connection reports the peer unreachable (a pipelined follower goes back to
        // probing), and on the snapshot lane also the snapshot failed (the leader restarts the transfer from probe).
        Peers.LaneFailed = (peer, snapshotLane) => Loop.TryPostRaft(() =>
        {
            Kv.Runtime.ReportUnreachable(peer);
            if (snapshotLane) Kv.Runtime.ReportSnapshot(peer, Cairn.Core.Raft.SnapshotStatus.Failure);
        });
        Peers.RoundTripObserved = metrics.ObservePeerRoundTrip;
        _ticker = new Timer(_ => PostTick(), null, Timeout.Infinite, Timeout.Infinite);
    }

    public ServerSettings Settings { get; }

    public HostMetrics Metrics { get; }

    public NodeLoop Loop { get; }

    public PeerTransport Peers { get; }

    /// <summary>The KV service; touch only on the loop.</summary>
    public KvNode Kv { get; }

    /// <summary>The term as of the last input (readable from any thread).</summary>
    public ulong CurrentTerm => Volatile.Read(ref _seenTerm);

    /// <summary>The leader as of the last input, or 0 (readable from any thread).</summary>
    public ulong CurrentLeader => Volatile.Read(ref _seenLeader);

    /// <summary>The applied revision as of the last input (readable from any thread).</summary>
    public long CurrentRevision => Volatile.Read(ref _revision);

    /// <summary>The Raft log database in the member dir (SQLite, with -wal and -shm beside it).</summary>
    public const string LogFileName = "raft.db";

    /// <summary>Fires when the loop dies of an exception (a broken invariant): the process must stop.</summary>
    public event Action<Exception>? Failed;

    public void Start()
    {
        Counter.Child batchSeconds = Metrics.LoopSeconds.WithLabels("batch");
        Loop.BatchTimed = seconds =>
        {
            Metrics.LoopBatch.Observe(seconds);
            batchSeconds.Inc(seconds);
        };
        Loop.Start(AfterInput, () => Kv.Runtime.BeginBatch());
        Peers.Start();
        _ticker.Change(Settings.Flags.HeartbeatIntervalMs, Settings.Flags.HeartbeatIntervalMs);
    }

    /// <summary>Sends a request into the node; completes with the node's answer, or a timeout error.</summary>
    public async Task<KvReply> Request(Action<KvNode, ulong> start, CancellationToken cancel)
    {
        if (_pending.Count >= PendingRequestsMax)
        {
            throw new LoopBusyException();
        }
        ulong id = (ulong)Interlocked.Increment(ref _nextRequestId);
        var done = new TaskCompletionSource<KvReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = done;
        Metrics.ProposalsPending.Inc();
        try
        {
            if (!Loop.TryPost(() => start(Kv, id)))
            {
                throw new LoopBusyException();
            }
            return await done.Task.WaitAsync(Settings.RequestTimeout, cancel).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(id, out _);
            Metrics.ProposalsPending.Dec();
        }
    }

    /// <inheritdoc />
    public void OnReply(KvReply reply)
    {
        if (_pending.TryRemove(reply.RequestId, out TaskCompletionSource<KvReply>? done))
        {
            done.TrySetResult(reply);
        }
    }

    public void Dispose()
    {
        _ticker.Dispose();
        Peers.Dispose();
        _disk.Dispose(); // finishes queued writes; their completions still reach the loop
        Loop.TryPost(PersistOnShutdown); // optional: with the queue full the restart replays the batch from the log
        Loop.Dispose();
        if (Loop.Exited)
        {
            _store.Dispose(); // rolls back the open apply batch: the restart replays it from the log
        }
    }

    /// <summary>How often watches with progress_notify get an empty response carrying the revision (etcd: 10 minutes).</summary>
    public static readonly TimeSpan WatchProgressNotifyInterval = TimeSpan.FromMinutes(10);

    private long _lastProgressNotifyMs;

    private void PostTick()
    {
        long postedAt = Stopwatch.GetTimestamp();
        Loop.TryPostRaft(() =>
        {
            Metrics.TickDelay.Observe(Stopwatch.GetElapsedTime(postedAt).TotalSeconds);
            Tick();
        });
    }

    private void Tick()
    {
        Metrics.SampleRuntime(Loop.RaftInputsQueued, Loop.ClientInputsQueued);
        long now = _clock.NowMs;
        Kv.Tick(now);
        SampleStoreSize();
        if (now - _lastProgressNotifyMs >= (long)WatchProgressNotifyInterval.TotalMilliseconds)
        {
            _lastProgressNotifyMs = now;
            Kv.StateMachine.Watches.NotifyProgress();
        }
    }

    private void AfterInput()
    {
        Kv.FlushWatches();
        PublishAlarms();
        RaftNode raft = Kv.Runtime.Raft;
        if (raft.Leader != _seenLeader || raft.Term != _seenTerm)
        {
            if (raft.Leader != _seenLeader)
            {
                if (raft.Leader != 0)
                {
                    Metrics.LeaderChanges.Inc();
                    LogLeader(_log, Settings.MemberId.ToString("x16"), raft.Leader.ToString("x16"), raft.Term);
                }
                else
                {
                    LogNoLeader(_log, Settings.MemberId.ToString("x16"), raft.Term);
                }
            }
            Volatile.Write(ref _seenLeader, raft.Leader);
            Volatile.Write(ref _seenTerm, raft.Term);
        }
        Volatile.Write(ref _revision, Kv.StateMachine.Revision);
        Metrics.Observe(raft, Kv.StateMachine, Kv.Runtime);
        if (Kv.Runtime.Stopped)
        {
            Crashed(new InvalidOperationException(Kv.Runtime.StopReason));
        }
    }

    private void Crashed(Exception e)
    {
        LogCrash(_log, Settings.MemberId.ToString("x16"), e);
        Failed?.Invoke(e);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "member {MemberId} elected leader {LeaderId} at term {Term}")]
    private static partial void LogLeader(ILogger log, string memberId, string leaderId, ulong term);

    [LoggerMessage(Level = LogLevel.Warning, Message = "member {MemberId} lost leader at term {Term}")]
    private static partial void LogNoLeader(ILogger log, string memberId, ulong term);

    [LoggerMessage(Level = LogLevel.Critical, Message = "member {MemberId} stopped")]
    private static partial void LogCrash(ILogger log, string memberId, Exception e);
}
