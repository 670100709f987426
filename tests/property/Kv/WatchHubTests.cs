using Cairn.Core.Kv;
using Cairn.Core.Kv.Wire;
using Xunit;
using static Cairn.Property.Tests.Kv.Kv;

namespace Cairn.Property.Tests.Kv;

/// <summary>Watch streams: ordered, gap-free, resumable, cancelled on compaction.</summary>
public sealed class WatchHubTests
{
    private static WatchCreateRequest Watch(string key, string end = "", long start = 0) =>
        new() { Key = B(key), RangeEnd = B(end), StartRevision = start };

    private static List<(long Revision, string Key, Event.Types.EventType Type)> Events(IEnumerable<WatchResponse> responses) =>
        responses.SelectMany(r => r.Events.Select(e => (e.Kv.ModRevision, e.Kv.Key.ToStringUtf8(), e.Type))).ToList();

    [Fact]
    public void Watch_from_the_past_catches_up_from_history_then_continues_live()
    {
        var kv = new KvReplica();
        kv.Apply(Put("a", "1"));
        kv.Apply(Put("b", "1"));
        kv.Apply(Delete("a"));
        long id = kv.Machine.Watches.Create(Watch("a", "z", start: 2));
        kv.Apply(Put("c", "1"));
        IReadOnlyList<WatchResponse> responses = kv.Machine.Watches.Drain();
        Assert.True(responses[0].Created);
        Assert.All(responses, r => Assert.Equal(id, r.WatchId));
        Assert.Equal(new[] { 2L, 3, 4, 5 }, Events(responses).Select(e => e.Revision));
        Assert.Equal(Event.Types.EventType.Delete, Events(responses)[2].Type);
    }

    [Fact]
    public void Watch_starting_below_the_compact_revision_is_canceled_with_it()
    {
        var kv = new KvReplica();
        kv.Apply(Put("a", "1"));
        kv.Apply(Put("a", "2"));
        kv.Apply(Compact(3));
        kv.Machine.Watches.Create(Watch("a", start: 2));
        WatchResponse last = kv.Machine.Watches.Drain()[^1];
        Assert.True(last.Canceled);
        Assert.Equal(3, last.CompactRevision);
        Assert.Equal(0, kv.Machine.Watches.Count);
    }

    /// <summary>etcd keeps the compact revision itself readable: a watch from it gets the puts made at it.</summary>
    [Fact]
    public void Watch_starting_at_the_compact_revision_receives_its_events()
    {
        var kv = new KvReplica();
        kv.Apply(Put("a", "1"));
        kv.Apply(Put("a", "2"));
        kv.Apply(Compact(3));
        kv.Machine.Watches.Create(Watch("a", start: 3));
        IReadOnlyList<WatchResponse> responses = kv.Machine.Watches.Drain();
        Assert.DoesNotContain(responses, r => r.Canceled);
        Assert.Equal([(3L, "a", Event.Types.EventType.Put)], Events(responses));
        Assert.Equal(1, kv.Machine.Watches.Count);
    }

    /// <summary>etcd's syncWatchers: history is sent in one response (not one per revision) whose header has the
    /// current revision.</summary>
    [Fact]
    public void Catch_up_from_history_comes_in_one_response_with_the_current_revision()
    {
        var kv = new KvReplica();
        kv.Apply(Put("a", "1"));
        kv.Apply(Put("a", "2"));
        kv.Apply(Put("b", "1"));
        kv.Machine.Watches.Create(Watch("a", start: 2));
        IReadOnlyList<WatchResponse> responses = kv.Machine.Watches.Drain();
        WatchResponse history = responses.Single(r => r.Events.Count > 0);
        Assert.Equal([2L, 3], history.Events.Select(e => e.Kv.ModRevision));
        Assert.Equal(4, history.Header.Revision);
    }

    [Fact]
    public void Filters_and_prev_kv_shape_the_delivered_events()
    {
        var kv = new KvReplica();
        var request = Watch("a");
        request.Filters.Add(WatchCreateRequest.Types.FilterType.Noput);
        request.PrevKv = true;
        kv.Machine.Watches.Create(request);
        kv.Apply(Put("a", "1"));
        kv.Apply(Delete("a"));
        List<Event> events = kv.Machine.Watches.Drain().SelectMany(r => r.Events).ToList();
        Assert.Equal(Event.Types.EventType.Delete, events.Single().Type);
        Assert.Equal("1", events.Single().PrevKv.Value.ToStringUtf8());
    }

    [Fact]
    public void Slow_watcher_is_resynced_from_history_without_gaps_or_duplicates()
    {
        var kv = new KvReplica(new KvStateMachine(null, null, new WatchOptions { PendingResponsesMax = 3 }));
        kv.Machine.Watches.Create(Watch("k"));
        for (int i = 0; i < 20; i++)
        {
            kv.Apply(Put("k", i.ToString()));
        }
        var all = new List<WatchResponse>();
        while (kv.Machine.Watches.OutboxCount > 0)
        {
            all.AddRange(kv.Machine.Watches.Drain(2));
        }
        Assert.Equal(Enumerable.Range(2, 20).Select(i => (long)i), Events(all).Select(e => e.Revision));
    }

    [Fact]
    public void Recreated_watch_on_another_replica_continues_exactly_where_the_first_stopped()
    {
        var leader = new KvReplica();
        var follower = new KvReplica();
        leader.Machine.Watches.Create(Watch("a", "\0"));
        var log = new[] { Put("a", "1"), Put("b", "1"), Delete("a", "c"), Put("c", "1"), Put("a", "2") };
        foreach (KvCommand c in log)
        {
            leader.Apply(c);
            follower.Apply(c);
        }
        var seen = Events(leader.Machine.Watches.Drain()).Take(2).ToList();
        follower.Machine.Watches.Create(Watch("a", "\0", start: seen[^1].Revision + 1));
        seen.AddRange(Events(follower.Machine.Watches.Drain()));
        Assert.Equal(new[] { 2L, 3, 4, 4, 5, 6 }, seen.Select(e => e.Revision));
    }

    [Fact]
    public void Progress_notification_reaches_only_synced_watchers_that_asked()
    {
        var kv = new KvReplica();
        var asked = Watch("a");
        asked.ProgressNotify = true;
        long id = kv.Machine.Watches.Create(asked);
        kv.Machine.Watches.Create(Watch("b"));
        kv.Apply(Put("z", "1"));
        kv.Machine.Watches.Drain();
        kv.Machine.Watches.NotifyProgress();
        WatchResponse progress = kv.Machine.Watches.Drain().Single();
        Assert.Equal((id, 2L), (progress.WatchId, progress.Header.Revision));
        Assert.Empty(progress.Events);
    }

    [Fact]
    public void Watch_drops_event_canary_loses_events()
    {
        var kv = new KvReplica(new KvStateMachine(null, null, null, null, new KvBugs { WatchDropsEvent = true }));
        kv.Machine.Watches.Create(Watch("k"));
        for (int i = 0; i < 14; i++)
        {
            kv.Apply(Put("k", "v"));
        }
        Assert.Equal(12, Events(kv.Machine.Watches.Drain()).Count);
    }

    [Fact]
    public void Watchers_resume_from_history_after_snapshot_restore()
    {
        var source = new KvReplica();
        source.Apply(Put("a", "1"));
        source.Apply(Put("a", "2"));
        var target = new KvReplica();
        target.Machine.Watches.Create(Watch("a"));
        target.Machine.RestoreSnapshot(source.Machine.TakeSnapshot());
        Assert.Equal(new[] { 2L, 3 }, Events(target.Machine.Watches.Drain()).Select(e => e.Revision));
    }

    [Fact]
    public void Request_progress_answers_a_synced_watcher_with_the_current_revision_and_not_a_lagging_one()
    {
        var kv = new KvReplica(new KvStateMachine(null, null, new WatchOptions { PendingResponsesMax = 2 }));
        long quiet = kv.Machine.Watches.Create(Watch("q"));
        long busy = kv.Machine.Watches.Create(Watch("k"));
        for (int i = 0; i < 5; i++)
        {
            kv.Apply(Put("k", i.ToString()));
        }
        Assert.True(kv.Machine.Watches.RequestProgress(quiet)); // synced: nothing touched "q", yet it is at revision 6
        Assert.False(kv.Machine.Watches.RequestProgress(busy)); // its queue filled: still owed revisions 4..6
        Assert.False(kv.Machine.Watches.RequestProgress(99));
        var all = new List<WatchResponse>();
        while (kv.Machine.Watches.OutboxCount > 0)
        {
            all.AddRange(kv.Machine.Watches.Drain(1));
        }
        WatchResponse progress = all.Single(r => r.WatchId == quiet && !r.Created);
        Assert.Equal(6, progress.Header.Revision);
        Assert.Empty(progress.Events);
        Assert.Equal(new[] { 2L, 3, 4, 5, 6 }, Events(all.Where(r => r.WatchId == busy)).Select(e => e.Revision));
        Assert.True(kv.Machine.Watches.RequestProgress(busy)); // caught up: synced again
        Assert.Equal(6, kv.Machine.Watches.Drain().Single().Header.Revision);
    }

    [Fact]
    public void Watch_with_a_future_start_revision_receives_events_from_that_revision_on()
    {
        var kv = new KvReplica();
        kv.Machine.Watches.Create(Watch("a", "\0", start: 4));
        for (int i = 0; i < 5; i++)
        {
            kv.Apply(Put(i % 2 == 0 ? "a" : "b", "v"));
        }
        Assert.Equal(new[] { 4L, 5, 6 }, Events(kv.Machine.Watches.Drain()).Select(e => e.Revision));
    }

    [Fact]
    public void A_full_queue_moves_only_its_watcher_to_history_while_the_others_stay_live()
    {
        var kv = new KvReplica(new KvStateMachine(null, null, new WatchOptions { PendingResponsesMax = 2 }));
        long slow = kv.Machine.Watches.Create(Watch("a", "c"));
        kv.Machine.Watches.Drain();
        for (int i = 0; i < 4; i++)
        {
            kv.Apply(Put("a", i.ToString()));
        }
        Assert.Equal(1, kv.Machine.Watches.UnsyncedCount);
        long fast = kv.Machine.Watches.Create(Watch("b"));
        kv.Apply(Put("b", "1"));
        var all = new List<WatchResponse>();
        while (kv.Machine.Watches.OutboxCount > 0)
        {
            all.AddRange(kv.Machine.Watches.Drain(1));
        }
        Assert.Equal(0, kv.Machine.Watches.UnsyncedCount);
        Assert.Equal(new[] { 2L, 3, 4, 5, 6 }, Events(all.Where(r => r.WatchId == slow)).Select(e => e.Revision));
        Assert.Equal(new[] { 6L }, Events(all.Where(r => r.WatchId == fast)).Select(e => e.Revision));
    }

    [Fact]
    public void Catch_up_through_a_long_filtered_history_reads_a_bounded_number_of_pages_per_round()
    {
        var kv = new KvReplica();
        int puts = WatchHub.CatchUpPageEventsMax * WatchHub.CatchUpPagesPerRoundMax + 10;
        for (int i = 0; i < puts; i++)
        {
            kv.Apply(Put("k", "v"));
        }
        kv.Apply(Delete("k"));
        var request = Watch("k", start: 2);
        request.Filters.Add(WatchCreateRequest.Types.FilterType.Noput);
        kv.Machine.Watches.Create(request);
        Assert.Equal(1, kv.Machine.Watches.UnsyncedCount); // one round read its page budget, all puts, nothing to send
        Assert.Single(kv.Machine.Watches.Drain()); // "created"; the drain runs the next round
        Assert.Equal(0, kv.Machine.Watches.UnsyncedCount);
        Assert.Equal(new[] { (long)puts + 2 }, Events(kv.Machine.Watches.Drain()).Select(e => e.Revision));
    }
}
