using Cairn.Core.Kv.Wire;

namespace Cairn.Core.Kv;

/// <summary>Event delivery: live publication, catch-up from history, compaction cancel, progress.</summary>
internal sealed partial class WatchHub
{
    /// <summary>Events one catch-up read takes from the store (whole revisions, so a page may exceed it by the
    /// rest of one revision, at most a txn's ops).</summary>
    public const int CatchUpPageEventsMax = 1_000;

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

    /// <summary>Delivers the events of one newly committed revision to synced watchers.</summary>
    internal void Publish(RevisionEvents committed)
    {
        Invariant.Holds(committed.Revision <= _backend.CurrentRevision, "only committed revisions are published");
        foreach (Watcher watcher in _watchers.Values)
        {
            if (!watcher.Synced || committed.Revision < watcher.NextRevision)
            {
                continue;
            }
            Invariant.Holds(committed.Revision == watcher.NextRevision, "synced watchers see every revision");
            if (!TryQueue(watcher, committed.Revision, committed.Events))
            {
                watcher.Synced = false; // fell behind: resume from history once drained
            }
        }
    }

    /// <summary>After a snapshot replaced the store: every watcher resumes from history.</summary>
    internal void Resync()
    {
        foreach (Watcher watcher in _watchers.Values.ToList())
        {
            watcher.Synced = false;
            CatchUp(watcher);
        }
    }

    /// <summary>Queues history from the watcher's next revision up to the current one, as far as its
    /// queue allows; cancels it when that history has been compacted away. As etcd's syncWatchers does,
    /// one response carries a page of history (many revisions) and its header has the current revision;
    /// the compact revision itself is still readable (etcd: minRev &lt; compactRev is compacted).</summary>
    private void CatchUp(Watcher watcher)
    {
        long current = _backend.CurrentRevision;
        if (watcher.NextRevision > current)
        {
            watcher.Synced = true;
            return;
        }
        if (watcher.NextRevision < _backend.CompactRevision)
        {
            CancelCompacted(watcher);
            return;
        }
        // Catch-up reads the store one bounded page at a time; a full queue stops it until the watcher drains.
        while (true)
        {
            if (watcher.Pending >= _options.PendingResponsesMax)
            {
                return;
            }
            IReadOnlyList<MvccChange> changes = _backend.Changes(watcher.Range, watcher.NextRevision, current, CatchUpPageEventsMax);
            var page = new List<Event>();
            foreach (var revision in changes.GroupBy(c => c.Revision))
            {
                page.AddRange(SelectFor(watcher, revision.Key, revision.Select(c => c.Event)));
            }
            if (page.Count > 0)
            {
                var response = new WatchResponse { Header = new ResponseHeader { Revision = current }, WatchId = watcher.Id };
                response.Events.AddRange(page);
                Enqueue(watcher.Id, response);
            }
            if (changes.Count < CatchUpPageEventsMax)
            {
                break;
            }
            watcher.NextRevision = changes[^1].Revision + 1;
        }
        watcher.NextRevision = current + 1;
        watcher.Synced = true;
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
