using Cairn.Core.Kv.Wire;

namespace Cairn.Core.Kv;

/// <summary>Event delivery: live publication, catch-up from history, compaction cancel, progress.</summary>
internal sealed partial class WatchHub
{
    /// <summary>Events one catch-up read takes from the store (whole revisions, so a page may exceed it by the
    /// rest of one revision, at most a txn's ops).</summary>
    public const int CatchUpPageEventsMax = 1_000;

    /// <summary>Pages one catch-up round (a create, or one <see cref="Drain"/>) reads for one watcher. A watcher whose
    /// filters discard most of a long history would otherwise read all of it at once; it stays unsynced and
    /// continues on the next drain (the service drains every tick while a watcher is unsynced).</summary>
    public const int CatchUpPagesPerRoundMax = 8;

    /// <summary>Queues an empty response carrying the current revision to every synced watcher that
    /// asked for progress_notify (the runtime calls this periodically, etcd: every 10 minutes).</summary>
    public void NotifyProgress()
    {
        foreach (Watcher watcher in _watchers.Values.Where(w => w.ProgressNotify && w.Synced))
        {
            Enqueue(watcher.Id, new WatchResponse { Header = Header(), WatchId = watcher.Id });
        }
    }

    /// <summary>On-demand progress (etcd WatchProgressRequest): queues an empty response with the
    /// current revision if the watcher has received everything up to it; otherwise nothing, since
    /// the events it is still owed will carry the progress. Returns whether a response was queued.</summary>
    public bool RequestProgress(long watchId)
    {
        if (!_watchers.TryGetValue(watchId, out Watcher? watcher) || !watcher.Synced)
        {
            return false;
        }
        Enqueue(watchId, new WatchResponse { Header = Header(), WatchId = watchId });
        return true;
    }

    /// <summary>Delivers the events of one newly committed revision to the synced watchers it concerns: those
    /// whose key or range holds one of its event keys, found through the index. The others are not visited;
    /// they stand at the hub's synced revision, which this advances for all of them at once.</summary>
    internal void Publish(RevisionEvents committed)
    {
        long revision = committed.Revision;
        Invariant.Holds(revision <= _backend.CurrentRevision, "only committed revisions are published");
        if (revision <= _syncedRevision)
        {
            return; // already in the store when the watchers were (re)synchronised: served from history
        }
        Invariant.Holds(revision == _syncedRevision + 1, "revisions are published in order, without gaps");
        if (_waiting.Remove(revision, out SortedDictionary<long, Watcher>? starting))
        {
            foreach (Watcher watcher in starting.Values)
            {
                _waitingCount--;
                watcher.State = WatcherState.Synced;
                _synced.Add(watcher);
            }
        }
        Invariant.Holds(_waiting.Count == 0 || _waiting.Keys.First() > revision, "waiting watchers join the index at their start revision");
        var matched = new SortedDictionary<long, Watcher>();
        foreach (Event ev in committed.Events)
        {
            _synced.Match(ev.Kv.Key, matched);
        }
        _syncedRevision = revision;
        foreach (Watcher watcher in matched.Values)
        {
            WatchersVisited++;
            if (!TryQueue(watcher, revision, committed.Events))
            {
                // Fell behind: leaves the index and resumes from history (from this revision) once drained.
                _synced.Remove(watcher);
                watcher.State = WatcherState.Unsynced;
                watcher.NextRevision = revision;
                _unsynced.Add(watcher.Id, watcher);
            }
        }
        Invariant.Holds(_synced.Count + _unsynced.Count + _waitingCount == _watchers.Count, "every watcher is in exactly one group");
    }

    /// <summary>After a snapshot replaced the store: every watcher resumes from history.</summary>
    internal void Resync()
    {
        foreach (Watcher watcher in _watchers.Values)
        {
            if (watcher.State == WatcherState.Synced)
            {
                watcher.NextRevision = _syncedRevision + 1;
            }
            Detach(watcher);
            watcher.State = WatcherState.Unsynced;
            _unsynced.Add(watcher.Id, watcher);
        }
        _syncedRevision = _backend.CurrentRevision;
        foreach (Watcher watcher in _watchers.Values.ToList())
        {
            CatchUp(watcher);
        }
    }

    /// <summary>Queues history from an unsynced watcher's next revision up to the synced revision, as far as its
    /// queue allows, then moves it to the synced (or waiting) group; cancels it when that history has been
    /// compacted away (etcd: only a start below the compact revision is compacted). As etcd's syncWatchers does,
    /// one response carries a page of history (many revisions) with the synced revision in its header. The store
    /// is read one bounded page (<see cref="CatchUpPageEventsMax"/>) at a time.</summary>
    private void CatchUp(Watcher watcher)
    {
        Invariant.Holds(watcher.State == WatcherState.Unsynced, "only unsynced watchers catch up");
        long target = _syncedRevision;
        Invariant.Holds(target <= _backend.CurrentRevision, "the synced revision is committed");
        if (watcher.NextRevision > target)
        {
            Join(watcher);
            return;
        }
        if (watcher.NextRevision < _backend.CompactRevision)
        {
            CancelCompacted(watcher);
            return;
        }
        // Catch-up reads the store one bounded page at a time; a full queue stops it until the watcher drains.
        long from = watcher.NextRevision;
        for (int page = 0; ; page++)
        {
            if (page == CatchUpPagesPerRoundMax || watcher.Pending >= _options.PendingResponsesMax)
            {
                watcher.NextRevision = from; // the rest next round
                return;
            }
            IReadOnlyList<MvccChange> changes = _backend.Changes(watcher.Range, from, target, CatchUpPageEventsMax);
            var events = new List<Event>();
            foreach (var revision in changes.GroupBy(c => c.Revision))
            {
                events.AddRange(SelectFor(watcher, revision.Key, revision.Select(c => c.Event)));
            }
            if (events.Count > 0)
            {
                var response = new WatchResponse { Header = new ResponseHeader { Revision = target }, WatchId = watcher.Id };
                response.Events.AddRange(events);
                Enqueue(watcher.Id, response);
            }
            if (changes.Count < CatchUpPageEventsMax)
            {
                break;
            }
            from = changes[^1].Revision + 1;
        }
        watcher.NextRevision = target + 1;
        Join(watcher);
    }

    /// <summary>Moves a caught-up watcher into the index, or to the waiting group if it starts after the next revision.</summary>
    private void Join(Watcher watcher)
    {
        _unsynced.Remove(watcher.Id);
        if (watcher.NextRevision == _syncedRevision + 1)
        {
            watcher.State = WatcherState.Synced;
            _synced.Add(watcher);
            return;
        }
        watcher.State = WatcherState.Waiting;
        if (!_waiting.TryGetValue(watcher.NextRevision, out SortedDictionary<long, Watcher>? waiting))
        {
            waiting = new SortedDictionary<long, Watcher>();
            _waiting.Add(watcher.NextRevision, waiting);
        }
        waiting.Add(watcher.Id, watcher);
        _waitingCount++;
    }

    /// <summary>Takes a watcher out of whichever group holds it.</summary>
    private void Detach(Watcher watcher)
    {
        switch (watcher.State)
        {
            case WatcherState.Synced:
                bool indexed = _synced.Remove(watcher);
                Invariant.Holds(indexed, "a synced watcher is indexed");
                break;
            case WatcherState.Waiting:
                SortedDictionary<long, Watcher> waiting = _waiting[watcher.NextRevision];
                bool listed = waiting.Remove(watcher.Id);
                Invariant.Holds(listed, "a waiting watcher is listed at its start revision");
                if (waiting.Count == 0)
                {
                    _waiting.Remove(watcher.NextRevision);
                }
                _waitingCount--;
                break;
            default:
                bool behind = _unsynced.Remove(watcher.Id);
                Invariant.Holds(behind, "an unsynced watcher is listed");
                break;
        }
    }

    /// <summary>Queues the watcher's share of one revision unless its queue is full; advances it.</summary>
    private bool TryQueue(Watcher watcher, long revision, IEnumerable<Event> events)
    {
        if (watcher.Pending >= _options.PendingResponsesMax)
        {
            return false;
        }
        List<Event> selected = SelectFor(watcher, revision, events);
        if (selected.Count > 0)
        {
            var response = new WatchResponse { Header = new ResponseHeader { Revision = revision }, WatchId = watcher.Id };
            response.Events.AddRange(selected);
            Enqueue(watcher.Id, response);
        }
        watcher.NextRevision = revision + 1;
        return true;
    }

    /// <summary>The watcher's share of one revision's events (canaries applied).</summary>
    private List<Event> SelectFor(Watcher watcher, long revision, IEnumerable<Event> events)
    {
        List<Event> selected = watcher.Select(events);
        selected.RemoveAll(_ => DropForCanary());
        if (_bugs.WatchStreamStalls && revision > _bugs.WatchStallAfterRevision)
        {
            selected.Clear(); // canary: events past this revision are never delivered
        }
        return selected;
    }

    private bool DropForCanary()
    {
        return _bugs.WatchDropsEvent && ++_eventsSeen % _bugs.WatchDropEveryNth == 0;
    }

    private void CancelCompacted(Watcher watcher)
    {
        _watchers.Remove(watcher.Id);
        Detach(watcher);
        Enqueue(watcher.Id, new WatchResponse
        {
            Header = Header(),
            WatchId = watcher.Id,
            Canceled = true,
            CompactRevision = _backend.CompactRevision,
            CancelReason = "mvcc: required revision has been compacted",
        });
    }
}
