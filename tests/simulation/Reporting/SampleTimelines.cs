using Cairn.Simulation.Reporting;

namespace Cairn.Simulation.Tests.Reporting;

/// <summary>Hand-built timelines for report tests: a small one, and a realistic 120 s run with ~4000 operations.</summary>
internal static class SampleTimelines
{
    public const string ViolationText = "ElectionSafety violated at t=6200ms seed=42 nodes=[1,2]: two leaders in term 4";

    /// <summary>Three nodes, ten seconds, every kind of mark, one violation, hostile operation text.</summary>
    public static Timeline Small()
    {
        var t = new Timeline { Seed = 42, Nodes = 3, ReplayCommand = "cairn-sim run --seed 42 --duration 10s", EndMs = 10_000, HealMs = 8_000 };
        t.Roles.AddRange([
            new RoleSegment(1, 0, "follower", 0), new RoleSegment(1, 300, "candidate", 1), new RoleSegment(1, 450, "leader", 1),
            new RoleSegment(1, 3_000, "down", 0), new RoleSegment(1, 4_000, "follower", 2), new RoleSegment(1, 6_100, "leader", 4),
            new RoleSegment(2, 0, "follower", 0), new RoleSegment(2, 450, "follower", 1), new RoleSegment(2, 3_400, "candidate", 2),
            new RoleSegment(2, 3_600, "leader", 2), new RoleSegment(2, 6_000, "leader", 4),
            new RoleSegment(3, 0, "follower", 0), new RoleSegment(3, 450, "follower", 1), new RoleSegment(3, 3_600, "follower", 2),
        ]);
        t.Faults.AddRange([
            new FaultMark(3_000, "crash", [1], 0, ""),
            new FaultMark(4_000, "restart", [1], 0, ""),
            new FaultMark(2_000, "isolate", [3], 1_500, "n3 cut off"),
            new FaultMark(5_000, "halves", [1, 3], 2_000, "{1,3} | {2}"),
            new FaultMark(5_500, "one-way", [2], 0, "2 -> 1 dropped"),
            new FaultMark(4_500, "clog", [2], 800, ""),
            new FaultMark(7_000, "pause", [3], 600, "GC pause"),
            new FaultMark(1_000, "skew", [2], 0, "skew +1200ms"),
            new FaultMark(8_000, "heal", [], 0, "final heal"),
        ]);
        t.Faults.Sort((a, b) => a.TimeMs.CompareTo(b.TimeMs));
        t.Operations.AddRange([
            new ClientOperation(1, 500, 700, "put k1=v1", "ok"),
            new ClientOperation(1, 800, 1_900, "get k1 -> v1", "ok"),
            new ClientOperation(2, 600, 2_600, "put k2=<script>alert(1)</script>", "fail"),
            new ClientOperation(2, 3_100, null, "cas k1 v1->v2", "unknown"),
            new ClientOperation(1, 5_000, 5_600, "get \"k2\" & 'k3'", "ok"),
        ]);
        t.Violations.Add((6_200, ViolationText));
        t.Sections.Add(("Linearizability counterexample", "client 2: put k2=<b>x</b>\nclient 1: get k2 -> <nil>  <-- not linearizable"));
        return t;
    }

    /// <summary>Five nodes, 120 s, five clients and about 4000 operations, a violation at 87 s: the size of a real report.</summary>
    public static Timeline Large(int seed = 7)
    {
        var rng = new Random(seed);
        const int nodes = 5;
        const long end = 120_000;
        var t = new Timeline
        {
            Seed = (ulong)seed,
            Nodes = nodes,
            ReplayCommand = $"cairn-sim run --seed {seed} --duration 120s --faults standard",
            EndMs = end,
            HealMs = 100_000,
        };

        // Faults first: they drive the roles.
        var down = new List<(int Node, long From, long To)>();
        for (long time = 2_000; time < t.HealMs; time += rng.Next(1_500, 6_000))
        {
            var node = rng.Next(1, nodes + 1);
            switch (rng.Next(7))
            {
                case 0:
                    var restart = time + rng.Next(800, 5_000);
                    t.Faults.Add(new FaultMark(time, "crash", [node], 0, ""));
                    t.Faults.Add(new FaultMark(restart, "restart", [node], 0, ""));
                    down.Add((node, time, restart));
                    break;
                case 1: t.Faults.Add(new FaultMark(time, "isolate", [node], rng.Next(500, 8_000), $"n{node} isolated")); break;
                case 2:
                    var half = Enumerable.Range(1, nodes).Where(_ => rng.Next(2) == 0).ToList();
                    if (half.Count == 0) half.Add(node);
                    t.Faults.Add(new FaultMark(time, "halves", half, rng.Next(500, 8_000), "{" + string.Join(",", half) + "} | rest"));
                    break;
                case 3: t.Faults.Add(new FaultMark(time, "one-way", [node], rng.Next(500, 4_000), $"from n{node} dropped")); break;
                case 4: t.Faults.Add(new FaultMark(time, "clog", [node], rng.Next(100, 2_000), "")); break;
                case 5: t.Faults.Add(new FaultMark(time, "pause", [node], rng.Next(100, 3_000), "")); break;
                default: t.Faults.Add(new FaultMark(time, "skew", [node], 0, $"skew {rng.Next(-2000, 2000):+0;-0}ms")); break;
            }
        }
        t.Faults.Add(new FaultMark(t.HealMs, "heal", [], 0, "final heal"));
        t.Faults.Sort((a, b) => a.TimeMs.CompareTo(b.TimeMs));

        // Roles: a leader per term, elections at crashes of the leader and at random.
        ulong term = 1;
        var leader = 1;
        var segments = Enumerable.Range(1, nodes).Select(n => new List<RoleSegment> { new(n, 0, "follower", 0) }).ToArray();
        void Set(int n, long at, string role, ulong tm)
        {
            var list = segments[n - 1];
            if (list[^1].FromMs == at) list[^1] = new RoleSegment(n, at, role, tm);
            else if (list[^1].Role != role || list[^1].Term != tm) list.Add(new RoleSegment(n, at, role, tm));
        }
        bool IsDown(int n, long at) => down.Any(d => d.Node == n && at >= d.From && at < d.To);
        var terms = new List<(long At, ulong Term)> { (0, 0) };
        ulong TermAt(long at) => terms.Last(x => x.At <= at).Term;
        for (long time = 300; time < end;)
        {
            var candidate = Enumerable.Range(1, nodes).Where(n => !IsDown(n, time)).OrderBy(_ => rng.Next()).First();
            Set(candidate, time, "candidate", term);
            terms.Add((time, term));
            var elected = time + rng.Next(80, 400);
            leader = candidate;
            for (var n = 1; n <= nodes; n++)
                if (!IsDown(n, elected)) Set(n, elected, n == leader ? "leader" : "follower", term);
            var stepDown = elected + rng.Next(4_000, 25_000);
            var crash = down.Where(d => d.Node == leader && d.From > elected && d.From < stepDown).Select(d => d.From).DefaultIfEmpty(long.MaxValue).Min();
            time = Math.Min(stepDown, crash == long.MaxValue ? stepDown : crash + rng.Next(150, 600));
            term++;
        }
        foreach (var (node, from, to) in down)
        {
            Set(node, from, "down", 0);
            Set(node, to, "follower", TermAt(to));
        }
        foreach (var list in segments) t.Roles.AddRange(list);
        t.Roles.Sort((a, b) => a.FromMs != b.FromMs ? a.FromMs.CompareTo(b.FromMs) : a.Node.CompareTo(b.Node));

        // Five clients, ~4000 operations.
        var ops = new List<ClientOperation>();
        for (var c = 1; c <= 5; c++)
        {
            for (long time = rng.Next(0, 100); time < end - 200;)
            {
                var key = rng.Next(10);
                var text = rng.Next(3) switch
                {
                    0 => $"put k{key}=v{rng.Next(1000)}",
                    1 => $"get k{key} -> v{rng.Next(1000)}",
                    _ => $"cas k{key} v{rng.Next(1000)}->v{rng.Next(1000)}",
                };
                var roll = rng.Next(100);
                if (roll < 2)
                {
                    ops.Add(new ClientOperation(c, time, null, text, "unknown"));
                    time += rng.Next(1_000, 3_000);
                    continue;
                }
                var duration = rng.Next(5, 60) + (roll < 10 ? rng.Next(200, 1_500) : 0);
                ops.Add(new ClientOperation(c, time, time + duration, text, roll < 8 ? "fail" : "ok"));
                time += duration + rng.Next(10, 90);
            }
        }
        t.Operations.AddRange(ops.OrderBy(o => o.StartMs).ThenBy(o => o.Client));
        t.Violations.Add((87_412, "Linearizability violated at t=87412ms seed=" + seed + " nodes=[2,4]: get k3 -> v17 after put k3=v18 was acknowledged"));
        t.Sections.Add(("Linearizability counterexample (key k3)",
            "process 2  87.101 s  invoke put k3=v18\n" +
            "process 2  87.140 s  ok     put k3=v18\n" +
            "process 4  87.390 s  invoke get k3\n" +
            "process 4  87.412 s  ok     get k3 -> v17      <-- stale: v18 was acknowledged at 87.140 s\n\n" +
            "No order of these operations is consistent with a single register."));
        return t;
    }
}
