using Cairn.Core.Kv.Wire;

namespace Cairn.Core.Kv;

/// <summary>
/// Watches over the applied KV state. Output is data: responses accumulate in an outbox the
/// runtime drains with <see cref="Drain"/>; nothing calls back. Each watcher receives every
/// matching event from its start revision on, in revision order, without gaps or duplicates:
/// live events when it is synced, otherwise a catch-up from MVCC history. Because every replica
/// applies the same log, re-creating a watch with start_revision = last seen + 1 on any node
/// continues the stream exactly. Watch ids are hub-wide (the host maps them to client streams).
/// <para>Like etcd's watchableStore, watchers are in one of three groups. Synced watchers are indexed by key
/// (<see cref="WatchIndex"/>) and all stand at the hub's synced revision, so publishing a revision visits only
/// the watchers with an event in their range. Unsynced watchers (new ones with a past start revision, or ones
/// whose queue filled) catch up from the store in bounded pages on <see cref="Drain"/>. Waiting watchers have a
/// future start revision and join the index when it is published.</para>
/// </summary>
internal sealed partial class WatchHub
{
    /// <summary>The watch id of a refused create (etcd's InvalidWatchID).</summary>
    public const long InvalidWatchId = -1;

    private readonly IMvccBackend _backend;
    private readonly WatchOptions _options;
    private readonly KvBugs _bugs;
    private readonly SortedDictionary<long, Watcher> _watchers = new();
    private readonly WatchIndex _synced = new();
    private readonly SortedDictionary<long, Watcher> _unsynced = new();
    private readonly SortedDictionary<long, SortedDictionary<long, Watcher>> _waiting = new();
    private readonly Queue<(long WatchId, WatchResponse Response)> _outbox = new();
    private long _nextWatchId;
    private long _eventsSeen;
    private int _waitingCount;

    /// <summary>The last revision published to the synced watchers: each of them has been queued everything up to it.</summary>
    private long _syncedRevision;

    internal WatchHub(IMvccBackend backend, WatchOptions options, KvBugs bugs)
    {
        _backend = backend;
        _options = options;
        _bugs = bugs;
        _syncedRevision = backend.CurrentRevision;
    }

    /// <summary>Number of registered watchers.</summary>
    public int Count => _watchers.Count;

    /// <summary>Number of watchers catching up from history.</summary>
    internal int UnsyncedCount => _unsynced.Count;

    /// <summary>Watchers <see cref="Publish"/> has handed a revision to since the hub was created (a cost probe:
    /// it grows with the matching watchers only).</summary>
    internal long WatchersVisited { get; private set; }

    /// <summary>Range-index nodes visited while matching event keys since the hub was created (a cost probe).</summary>
    internal long IndexNodesVisited => _synced.NodesVisited;

    /// <summary>Number of responses waiting in the outbox.</summary>
    public int OutboxCount => _outbox.Count;

    /// <summary>Registers a watch (etcd WatchCreateRequest). Queues the "created" response, then
    /// any history from start_revision (0 = from the next revision). Returns the watch id, or
    /// <see cref="InvalidWatchId"/> when refused (the queued response says why).</summary>
    public long Create(WatchCreateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? refusal = Refusal(request);
        if (refusal is not null)
        {
            Enqueue(InvalidWatchId, new WatchResponse { WatchId = InvalidWatchId, Created = true, Canceled = true, CancelReason = refusal });
            return InvalidWatchId;
        }
        long id = request.WatchId != 0 ? request.WatchId : FreeWatchId();
        long current = _backend.CurrentRevision;
        long start = request.StartRevision > 0 ? request.StartRevision : current + 1;
        var watcher = new Watcher(id, request, start);
        _watchers.Add(id, watcher);
        _unsynced.Add(id, watcher);
        Enqueue(id, new WatchResponse { Header = Header(), WatchId = id, Created = true });
        CatchUp(watcher);
        return id;
    }

    /// <summary>Cancels a watch and queues its "canceled" response; false if it does not exist.</summary>
    public bool Cancel(long watchId)
    {
        if (!_watchers.Remove(watchId, out Watcher? watcher))
        {
            return false;
        }
        Detach(watcher);
        Enqueue(watchId, new WatchResponse { Header = Header(), WatchId = watchId, Canceled = true });
        return true;
    }

    /// <summary>Removes and returns up to <paramref name="max"/> queued responses, oldest first,
    /// then resumes catch-up of watchers that had fallen behind.</summary>
    public IReadOnlyList<WatchResponse> Drain(int max = int.MaxValue)
    {
        var drained = new List<WatchResponse>();
        while (drained.Count < max && _outbox.TryDequeue(out var item))
        {
            if (_watchers.TryGetValue(item.WatchId, out Watcher? watcher))
            {
                watcher.Pending--;
                Invariant.Holds(watcher.Pending >= 0, "a watcher's pending count is never negative");
            }
            drained.Add(item.Response);
        }
        foreach (Watcher watcher in _unsynced.Values.Where(w => w.Pending < _options.PendingResponsesMax).ToList())
        {
            CatchUp(watcher);
        }
        return drained;
    }

    private string? Refusal(WatchCreateRequest request)
    {
        if (request.Key.Length == 0)
        {
            return "etcdserver: key is not provided";
        }
        if (_watchers.Count >= _options.WatchersMax)
        {
            return $"etcdserver: too many watchers (max {_options.WatchersMax})";
        }
        if (request.WatchId < 0 || (request.WatchId != 0 && _watchers.ContainsKey(request.WatchId)))
        {
            return "mvcc: watch ID already exists or is invalid";
        }
        return null;
    }

    private long FreeWatchId()
    {
        while (_watchers.ContainsKey(_nextWatchId))
        {
            _nextWatchId++;
        }
        return _nextWatchId++;
    }

    private ResponseHeader Header() => new() { Revision = _backend.CurrentRevision };

    private void Enqueue(long watchId, WatchResponse response)
    {
        if (_watchers.TryGetValue(watchId, out Watcher? watcher))
        {
            watcher.Pending++;
        }
        _outbox.Enqueue((watchId, response));
    }
}
