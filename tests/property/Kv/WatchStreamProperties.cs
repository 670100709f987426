using Cairn.Core.Kv;
using Cairn.Core.Kv.Wire;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using static Cairn.Property.Tests.Kv.Kv;

namespace Cairn.Property.Tests.Kv;

/// <summary>A watch over every key, drained at random moments with a tiny queue bound, replays to
/// exactly the store's final state: events are ordered, gap-free and never duplicated.</summary>
public sealed class WatchStreamProperties
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(200);

    [Fact]
    public void Replaying_a_full_watch_stream_rebuilds_the_final_state()
    {
        ReplayRebuildsState(KvBugs.None).Check(Runs);
    }

    [Fact]
    public void Replay_check_catches_the_watch_drops_event_canary()
    {
        Assert.ThrowsAny<Exception>(() => ReplayRebuildsState(new KvBugs { WatchDropsEvent = true }).Check(Runs));
    }

    private static FsCheck.Property ReplayRebuildsState(KvBugs bugs)
    {
        Arbitrary<(KvStep[] Steps, int DrainEvery)> arb =
            KvStepGen.Workload.Generator.SelectMany(s => Gen.Choose(1, 5).Select(d => (s, d))).ToArbitrary();
        return Prop.ForAll(arb, run =>
        {
            var kv = new KvReplica(new KvStateMachine(null, null, new WatchOptions { PendingResponsesMax = 2 }, null, bugs));
            kv.Machine.Watches.Create(new WatchCreateRequest { Key = B("\0"), RangeEnd = B("\0"), StartRevision = 1, PrevKv = true });
            var events = new List<Event>();
            for (int i = 0; i < run.Steps.Length; i++)
            {
                if (run.Steps[i].Command is { } command && command.Compaction is null) // compaction cancels: see WatchHubTests
                {
                    kv.Apply(command);
                }
                if (i % run.DrainEvery == 0)
                {
                    events.AddRange(kv.Machine.Watches.Drain(1).SelectMany(r => r.Events));
                }
            }
            while (kv.Machine.Watches.OutboxCount > 0)
            {
                events.AddRange(kv.Machine.Watches.Drain(1).SelectMany(r => r.Events));
            }
            AssertOrderedWithoutDuplicates(events);
            AssertReplayMatches(kv, events);
        });
    }

    private static void AssertOrderedWithoutDuplicates(List<Event> events)
    {
        for (int i = 1; i < events.Count; i++)
        {
            Assert.True(events[i - 1].Kv.ModRevision <= events[i].Kv.ModRevision, "events out of revision order");
            Assert.False(events[i - 1].Kv.ModRevision == events[i].Kv.ModRevision && events[i - 1].Kv.Key == events[i].Kv.Key, "duplicate event");
        }
    }

    private static void AssertReplayMatches(KvReplica kv, List<Event> events)
    {
        var state = new SortedDictionary<string, KeyValue>(StringComparer.Ordinal);
        foreach (Event ev in events)
        {
            if (ev.Type == Event.Types.EventType.Put)
            {
                state[ev.Kv.Key.ToStringUtf8()] = ev.Kv;
            }
            else
            {
                Assert.True(state.Remove(ev.Kv.Key.ToStringUtf8()), "delete of a key the stream never created");
            }
        }
        RangeResponse actual = kv.Read(Get("\0", "\0")).Range;
        Assert.Equal(actual.Kvs, state.Values);
    }
}
