using Cairn.Core.Kv;
using Cairn.Core.Kv.Wire;
using Cairn.Simulation.Checking.Watch;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using Xunit;
using static Cairn.Property.Tests.Kv.Kv;

namespace Cairn.Property.Tests.Kv;

/// <summary>The key-indexed watch hub delivers to every watcher exactly what a brute-force reference says it
/// should: every event of the independent <see cref="ReferenceHistory"/> from the watcher's start revision on
/// whose key lies in its range (checked byte by byte here, not through the index), after its filters, with
/// prev_kv only if asked. Watchers of every shape (exact key, prefix, range, empty range, from-key, all keys)
/// start in the past, now or in the future, at random moments of a random workload, and a tiny queue bound
/// drops them to unsynced and back again and again.</summary>
public sealed class WatchIndexProperties
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(300);

    private static readonly string[] Keys = ["a", "ab", "b", "c", "d"];

    /// <summary>A watch to create: its (key, range_end), its start relative to the next revision (null = now),
    /// its filters and prev_kv.</summary>
    public sealed record WatchSpec(string Key, ByteString End, int? StartOffset, bool NoPut, bool NoDelete, bool PrevKv)
    {
        public override string ToString() =>
            $"watch [{Key}, {(End.Length == 0 ? "" : End.ToStringUtf8())}) start {StartOffset?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "now"}{(NoPut ? " noput" : "")}{(NoDelete ? " nodelete" : "")}{(PrevKv ? " prev" : "")}";
    }

    /// <summary>One action of a run: apply a workload step, create a watch, or drain some responses.</summary>
    public sealed record Action(KvStep? Step, WatchSpec? Watch, int Drain)
    {
        public override string ToString() => Step?.ToString() ?? Watch?.ToString() ?? $"drain {Drain}";
    }

    private static Gen<WatchSpec> WatchGen =>
        from shape in Gen.Choose(0, 4)
        from k in Gen.Elements(Keys)
        from e in Gen.Elements(Keys.Append("e").ToArray())
        from start in Gen.Frequency((3, Gen.Constant<int?>(null)), (2, Gen.Choose(-8, 3).Select(i => (int?)i)))
        from filters in Gen.Choose(0, 7)
        select shape switch
        {
            0 => new WatchSpec(k, ByteString.Empty, start, (filters & 1) != 0, (filters & 2) != 0, (filters & 4) != 0),
            1 => new WatchSpec(k, KeyRange.Prefix(B(k)).End!, start, (filters & 1) != 0, (filters & 2) != 0, (filters & 4) != 0),
            2 => new WatchSpec(k, B(e), start, (filters & 1) != 0, (filters & 2) != 0, (filters & 4) != 0), // may be empty
            3 => new WatchSpec(k, B("\0"), start, (filters & 1) != 0, (filters & 2) != 0, (filters & 4) != 0),
            _ => new WatchSpec("\0", B("\0"), start, (filters & 1) != 0, (filters & 2) != 0, (filters & 4) != 0),
        };

    private static Gen<Action> ActionGen => Gen.Frequency(
        (8, KvStepGen.StepGen.Where(s => s.Command is { Compaction: null }).Select(s => new Action(s, null, 0))),
        (3, WatchGen.Select(w => new Action(null, w, 0))),
        (2, Gen.Choose(1, 6).Select(n => new Action(null, null, n))));

    [Fact]
    public void Indexed_hub_delivers_what_a_brute_force_reference_expects()
    {
        Arbitrary<(Action[] Actions, int QueueMax)> arb = Gen.Choose(1, 80)
            .SelectMany(n => Gen.ArrayOf(ActionGen, n))
            .SelectMany(a => Gen.Choose(1, 4).Select(q => (a, q)))
            .ToArbitrary();
        Prop.ForAll(arb, run => Check(run.Actions, run.QueueMax)).Check(Runs);
    }

    private static void Check(Action[] actions, int queueMax)
    {
        var machine = new KvStateMachine(null, null, new WatchOptions { PendingResponsesMax = queueMax }, null, KvBugs.None);
        var reference = new ReferenceHistory();
        var created = new SortedDictionary<long, (WatchSpec Spec, long Start)>();
        var delivered = new SortedDictionary<long, List<(long Revision, Event Event)>>();
        ulong index = 0;
        void Take(IEnumerable<WatchResponse> responses)
        {
            foreach (WatchResponse r in responses)
            {
                Assert.False(r.Canceled, "no watch is canceled without compaction");
                if (!delivered.TryGetValue(r.WatchId, out List<(long, Event)>? list))
                {
                    delivered[r.WatchId] = list = new List<(long, Event)>();
                }
                list.AddRange(r.Events.Select(e => (e.Kv.ModRevision, e))); // a catch-up response pages many revisions
            }
        }
        foreach (Action action in actions)
        {
            if (action.Step?.Command is { } command)
            {
                byte[] bytes = command.ToByteArray();
                reference.OnApplied(++index, bytes, machine.Apply(index, bytes));
            }
            else if (action.Watch is { } spec)
            {
                long start = spec.StartOffset is { } offset ? Math.Max(1, machine.Revision + 1 + offset) : 0;
                var request = new WatchCreateRequest { Key = B(spec.Key), RangeEnd = spec.End, StartRevision = start, PrevKv = spec.PrevKv };
                if (spec.NoPut) request.Filters.Add(WatchCreateRequest.Types.FilterType.Noput);
                if (spec.NoDelete) request.Filters.Add(WatchCreateRequest.Types.FilterType.Nodelete);
                long id = machine.Watches.Create(request);
                created[id] = (spec, start > 0 ? start : machine.Revision + 1);
            }
            else
            {
                Take(machine.Watches.Drain(action.Drain));
            }
        }
        while (machine.Watches.OutboxCount > 0)
        {
            Take(machine.Watches.Drain(3));
        }
        Assert.Equal(0, machine.Watches.UnsyncedCount);
        foreach ((long id, (WatchSpec spec, long start)) in created)
        {
            List<(long, Event)> expected = reference.Events
                .Where(e => e.Revision >= start && InRange(e.Event.Kv.Key, B(spec.Key), spec.End))
                .Where(e => e.Event.Type == Event.Types.EventType.Put ? !spec.NoPut : !spec.NoDelete)
                .Select(e => (e.Revision, spec.PrevKv ? e.Event : WithoutPrev(e.Event)))
                .ToList();
            Assert.Equal(expected, delivered.GetValueOrDefault(id) ?? new List<(long, Event)>());
        }
    }

    private static Event WithoutPrev(Event e)
    {
        Event copy = e.Clone();
        copy.PrevKv = null;
        return copy;
    }

    /// <summary>etcd's (key, range_end) membership, spelled out byte by byte.</summary>
    private static bool InRange(ByteString key, ByteString start, ByteString end)
    {
        if (end.Length == 0)
        {
            return Compare(key, start) == 0;
        }
        bool fromStart = Compare(key, start) >= 0;
        return end.Length == 1 && end[0] == 0 ? fromStart : fromStart && Compare(key, end) < 0;
    }

    private static int Compare(ByteString x, ByteString y)
    {
        for (int i = 0; i < Math.Min(x.Length, y.Length); i++)
        {
            if (x[i] != y[i])
            {
                return x[i].CompareTo(y[i]);
            }
        }
        return x.Length.CompareTo(y.Length);
    }

    [Fact]
    public void Publishing_visits_only_the_watchers_a_revision_concerns()
    {
        var machine = new KvStateMachine(null, null, new WatchOptions { WatchersMax = 20_000 }, null, KvBugs.None);
        var kv = new KvReplica(machine);
        for (int i = 0; i < 10_000; i++)
        {
            machine.Watches.Create(new WatchCreateRequest { Key = B($"/exact/{i:D5}") });
        }
        for (int i = 0; i < 1_000; i++)
        {
            machine.Watches.Create(new WatchCreateRequest { Key = B($"/prefix/{i:D4}/"), RangeEnd = KeyRange.Prefix(B($"/prefix/{i:D4}/")).End! });
        }
        machine.Watches.Create(new WatchCreateRequest { Key = B("/hit") });
        machine.Watches.Drain();
        long visited = machine.Watches.WatchersVisited;
        long nodes = machine.Watches.IndexNodesVisited;

        kv.Apply(Put("/miss", "v"));
        kv.Apply(Put("/prefix/0500", "v")); // between two prefixes
        kv.Apply(Put("/zzz", "v"));
        Assert.Equal(visited, machine.Watches.WatchersVisited);
        Assert.True(machine.Watches.IndexNodesVisited - nodes < 3 * 64, $"{machine.Watches.IndexNodesVisited - nodes} range-index nodes visited for three misses among 1,000 ranges");
        Assert.Empty(machine.Watches.Drain());

        kv.Apply(Put("/hit", "v"));
        kv.Apply(Put("/exact/04242", "v"));
        kv.Apply(Put("/prefix/0777/pod", "v"));
        Assert.Equal(visited + 3, machine.Watches.WatchersVisited);
        Assert.Equal(3, machine.Watches.Drain().Count);
    }
}
