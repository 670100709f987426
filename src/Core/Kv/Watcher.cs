using Cairn.Core.Kv.Wire;

namespace Cairn.Core.Kv;

/// <summary>One registered watch: what it selects and how far it has been served.</summary>
internal sealed class Watcher
{
    internal Watcher(long id, WatchCreateRequest request, long nextRevision)
    {
        Id = id;
        Range = KeyRange.From(request.Key, request.RangeEnd);
        PrevKv = request.PrevKv;
        ProgressNotify = request.ProgressNotify;
        NoPut = request.Filters.Contains(WatchCreateRequest.Types.FilterType.Noput);
        NoDelete = request.Filters.Contains(WatchCreateRequest.Types.FilterType.Nodelete);
        NextRevision = nextRevision;
    }

    internal long Id { get; }

    internal KeyRange Range { get; }

    internal bool PrevKv { get; }

    internal bool ProgressNotify { get; }

    internal bool NoPut { get; }

    internal bool NoDelete { get; }

    /// <summary>The first revision not yet queued for this watcher, while it is <see cref="WatcherState.Unsynced"/>
    /// or <see cref="WatcherState.Waiting"/>. A <see cref="WatcherState.Synced"/> watcher's next revision is the
    /// hub's synced revision + 1 (<see cref="WatchHub"/> does not visit watchers a revision does not concern), so
    /// this field is stale for it and only rewritten when it leaves the synced group.</summary>
    internal long NextRevision { get; set; }

    /// <summary>Which group of the hub holds the watcher.</summary>
    internal WatcherState State { get; set; }

    /// <summary>True when live events are queued directly (synced, or waiting for a future start revision);
    /// false while catching up from history.</summary>
    internal bool Synced => State != WatcherState.Unsynced;

    /// <summary>Responses queued in the outbox and not yet drained.</summary>
    internal int Pending { get; set; }

    /// <summary>The events of one revision this watcher receives, cloned, prev_kv only if asked.</summary>
    internal List<Event> Select(IEnumerable<Event> events)
    {
        var selected = new List<Event>();
        foreach (Event ev in events)
        {
            bool isPut = ev.Type == Event.Types.EventType.Put;
            if ((isPut && NoPut) || (!isPut && NoDelete) || !Range.Contains(ev.Kv.Key))
            {
                continue;
            }
            Event copy = ev.Clone();
            if (!PrevKv)
            {
                copy.PrevKv = null;
            }
            selected.Add(copy);
        }
        return selected;
    }
}

/// <summary>The hub's groups of watchers (etcd's synced / unsynced watcher groups).</summary>
internal enum WatcherState
{
    /// <summary>Behind the hub's synced revision: catches up from MVCC history in bounded pages.</summary>
    Unsynced,

    /// <summary>In the key index: receives each published revision that has an event in its range.</summary>
    Synced,

    /// <summary>Live, but its start revision is still in the future: joins the index when that revision is published.</summary>
    Waiting,
}
