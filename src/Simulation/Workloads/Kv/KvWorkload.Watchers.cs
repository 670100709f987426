using Cairn.Core.Kv.Wire;
using Cairn.Simulation.Checking.Watch;
using Cairn.Simulation.World;
using Google.Protobuf;

namespace Cairn.Simulation.Workloads.Kv;

/// <summary>
/// Watch clients. Each keeps one logical stream (<see cref="WatchStream"/>) on some node. It probes the
/// node every <see cref="WatchProbeIntervalMs"/>; when a probe goes unanswered (the node crashed) or
/// the watch is canceled, and also at random moments, it re-creates the watch on another node with
/// start_revision = last seen + 1. Responses reach a client in the order its node sent them.
/// </summary>
public sealed partial class KvWorkload
{
    /// <summary>Interval between liveness probes of a watch client's node, in ms.</summary>
    public const int WatchProbeIntervalMs = 500;

    /// <summary>How long a probe may go unanswered before the stream is considered broken, in ms.</summary>
    public const int WatchProbeTimeoutMs = 300;

    /// <summary>Shortest and longest time a watch stays on one node before it is moved, in ms.</summary>
    public const int WatchMoveMinMs = 2000, WatchMoveMaxMs = 10_000;

    private readonly SortedDictionary<long, int> _watcherOfWatch = new();
    private WatchClient[] _watchers = [];
    private readonly List<WatchStream> _endedStreams = new();
    private long _nextWatchId;

    /// <summary>Every watch stream of the run.</summary>
    public IReadOnlyList<WatchStream> WatchStreams => [.. _endedStreams, .. _watchers.Select(w => w.Stream)];

    private sealed class WatchClient(int index, WatchStream stream)
    {
        public int Index { get; } = index;
        public WatchStream Stream { get; set; } = stream;
        public long WatchId { get; set; }
        public int Node { get; set; }
        public int Incarnation { get; set; } = -1;
        public long ProbeSeq { get; set; }
        public long ProbeAcked { get; set; }
        public long DeliveredUntil { get; set; }
    }

    private sealed record ProbeDue(long WatchId);

    private sealed record ProbeTimeout(long WatchId, long Seq);

    private sealed record ProbeAck(long WatchId, long Seq);

    private sealed record MoveDue(long WatchId);

    private sealed record LateStart;

    /// <summary>Watch clients that start later in the run, at a random moment within the first
    /// <see cref="LateWatchStartMaxPercent"/>% of it, without a start revision (they begin at the creating node's
    /// current revision), on two key groups.</summary>
    public const int LateWatchClients = 1;

    /// <inheritdoc cref="LateWatchClients"/>
    public const int LateWatchStartMaxPercent = 60;

    /// <summary>The late watch covers key groups 1 .. this one (exclusive): two of the eight groups, a quarter of
    /// the checked keyspace.</summary>
    public const int LateWatchEndGroup = 3;

    private sealed record WatchCall(KvWorkload Workload, WatchClient Client, long WatchId, WatchCreateRequest? Create) : ISimRequest
    {
        public void Deliver(SimNode node)
        {
            if (Workload.CurrentApplication(node.Id) is not { } application) return;
            if (Create is null)
            {
                application.Kv.WatchCancel(WatchId);
                return;
            }
            if (Client.WatchId != WatchId) return; // the client moved on before this create arrived
            Client.Incarnation = application.Incarnation;
            application.Kv.WatchCreate(Create);
        }
    }

    private sealed record ProbeCall(KvWorkload Workload, WatchClient Client, long WatchId, long Seq) : ISimRequest
    {
        public void Deliver(SimNode node)
        {
            if (Workload.CurrentApplication(node.Id) is { } application && application.Incarnation == Client.Incarnation)
            {
                Workload.WakeWatcher(Workload._world.ClientLatency(), Client, new ProbeAck(WatchId, Seq));
            }
        }
    }

    private void StartWatchers()
    {
        var everything = ByteString.CopyFrom(0);
        _watchers = [.. Enumerable.Range(0, WatchClients + LateWatchClients).Select(i => new WatchClient(i, i >= WatchClients
            ? new WatchStream(_clients.Length + i, ByteString.CopyFromUtf8(KvOperationDraw.Key(KvOperationDraw.KeyGroupSize)), ByteString.CopyFromUtf8(KvOperationDraw.Key(LateWatchEndGroup * KvOperationDraw.KeyGroupSize)))
            : i % 2 == 0
            ? new WatchStream(_clients.Length + i, ByteString.CopyFromUtf8(KvOperationDraw.Key(0)), ByteString.CopyFromUtf8(KvOperationDraw.KeyspaceEnd))
            : new WatchStream(_clients.Length + i, everything, everything)))];
        foreach (WatchClient w in _watchers)
        {
            w.Node = 1 + (w.Index % _world.NodeCount);
            if (w.Index < WatchClients)
            {
                CreateWatch(w);
            }
            else
            {
                long at = _random.Next(1, (int)Math.Max(2, _world.Options.DurationMs * LateWatchStartMaxPercent / 100));
                WakeWatcher(at, w, new LateStart());
            }
        }
    }

    /// <summary>A node's watch hub produced a response: it travels to its client, in order.</summary>
    internal void OnWatchResponse(KvNodeApplication application, WatchResponse response)
    {
        if (!_watcherOfWatch.TryGetValue(response.WatchId, out int index)) return;
        WatchClient w = _watchers[index];
        if (w.WatchId != response.WatchId || w.Node != application.NodeId) return;
        long at = Math.Max(_world.Now + _world.ClientLatency(), w.DeliveredUntil);
        w.DeliveredUntil = at;
        WakeWatcher(at - _world.Now, w, response);
    }

    private void OnWatcherWake(int index, object? payload)
    {
        WatchClient w = _watchers[index];
        switch (payload)
        {
            case WatchResponse response when response.WatchId == w.WatchId:
                Receive(w, response);
                break;
            case ProbeDue due when due.WatchId == w.WatchId:
                w.ProbeSeq++;
                _world.SubmitToNode(_world.ClientLatency(), w.Node, null, new ProbeCall(this, w, w.WatchId, w.ProbeSeq));
                WakeWatcher(WatchProbeTimeoutMs, w, new ProbeTimeout(w.WatchId, w.ProbeSeq));
                break;
            case ProbeAck ack when ack.WatchId == w.WatchId:
                w.ProbeAcked = Math.Max(w.ProbeAcked, ack.Seq);
                break;
            case ProbeTimeout timeout when timeout.WatchId == w.WatchId:
                if (w.ProbeAcked < timeout.Seq) MoveWatch(w, cancelOld: false);
                else WakeWatcher(WatchProbeIntervalMs, w, new ProbeDue(w.WatchId));
                break;
            case LateStart:
                CreateWatch(w); // no start revision yet: the stream begins where the node's "created" header says
                break;
            case MoveDue move when move.WatchId == w.WatchId:
                MoveWatch(w, cancelOld: true);
                break;
        }
    }

    private void Receive(WatchClient w, WatchResponse response)
    {
        WatchStream stream = w.Stream;
        if (response.Canceled)
        {
            stream.Compacted |= response.CompactRevision > 0;
            if (stream.Compacted)
            {
                // The stream's history is gone: it ends here, and the client starts a fresh one from now on,
                // which the stall check then holds to the history that follows.
                _endedStreams.Add(stream);
                w.Stream = new WatchStream(stream.Client, stream.Key, stream.RangeEnd);
            }
            MoveWatch(w, cancelOld: false);
            return;
        }
        if (response.Created)
        {
            if (stream.NextRevision == 0)
            {
                stream.StartRevision = stream.NextRevision = response.Header.Revision + 1;
            }
            return;
        }
        // A catch-up response spans many revisions and its header has the current one (etcd): each event's own
        // revision is its kv's mod_revision, and the stream resumes after the last one (etcd's clientv3 does).
        foreach (Event e in response.Events) stream.Events.Add((e.Kv.ModRevision, e));
        if (response.Events.Count > 0) stream.NextRevision = response.Events[^1].Kv.ModRevision + 1;
    }

    /// <summary>Re-creates the stream on another node from the next revision the client expects.</summary>
    private void MoveWatch(WatchClient w, bool cancelOld)
    {
        _watcherOfWatch.Remove(w.WatchId);
        if (cancelOld)
        {
            _world.SubmitToNode(_world.ClientLatency(), w.Node, null, new WatchCall(this, w, w.WatchId, null));
        }
        w.Node = 1 + ((w.Node + _random.Next(0, _world.NodeCount - 1)) % _world.NodeCount);
        CreateWatch(w);
    }

    private void CreateWatch(WatchClient w)
    {
        if (w.Stream.Compacted) return;
        w.WatchId = ++_nextWatchId;
        w.Incarnation = -1;
        w.Stream.Watchers++;
        _watcherOfWatch[w.WatchId] = w.Index;
        var create = new WatchCreateRequest
        {
            Key = w.Stream.Key, RangeEnd = w.Stream.RangeEnd, PrevKv = true, WatchId = w.WatchId, StartRevision = w.Stream.NextRevision,
        };
        _world.SubmitToNode(_world.ClientLatency(), w.Node, null, new WatchCall(this, w, w.WatchId, create));
        WakeWatcher(WatchProbeIntervalMs, w, new ProbeDue(w.WatchId));
        WakeWatcher(_random.Next(WatchMoveMinMs, WatchMoveMaxMs), w, new MoveDue(w.WatchId));
    }

    private void WakeWatcher(long delayMs, WatchClient w, object message) => _world.WakeClient(delayMs, _clients.Length + w.Index, 0, message);
}
