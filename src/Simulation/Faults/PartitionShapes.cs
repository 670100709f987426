using Cairn.Core.Raft;
using Cairn.Simulation.Engine;

namespace Cairn.Simulation.Faults;

/// <summary>Jepsen's partition shapes.</summary>
public enum PartitionShape
{
    /// <summary>Two random halves.</summary>
    Halves,
    /// <summary>One node cut off from all others.</summary>
    Isolated,
    /// <summary>Each node sees a majority, but no two nodes see the same majority (a ring).</summary>
    MajoritiesRing,
    /// <summary>Two halves joined by one bridge node that sees both.</summary>
    Bridge,
    /// <summary>A random third of the nodes cut off from the rest.</summary>
    MinorityThird,
    /// <summary>One direction of one link cut.</summary>
    OneWay,
}

/// <summary>Builds the cut links (one-way pairs) of each shape over nodes 1..n.</summary>
public static class PartitionShapes
{
    /// <summary>Every shape.</summary>
    public static IReadOnlyList<PartitionShape> All { get; } = Enum.GetValues<PartitionShape>();

    /// <summary>The one-way links to cut for <paramref name="shape"/>.</summary>
    public static List<(int From, int To)> Cut(PartitionShape shape, int n, SimRandom random)
    {
        var order = Enumerable.Range(1, n).ToList();
        for (var i = order.Count - 1; i > 0; i--) { var j = random.Next(0, i + 1); (order[i], order[j]) = (order[j], order[i]); }
        return shape switch
        {
            PartitionShape.Halves => Between(order.Take(n / 2), order.Skip(n / 2)),
            PartitionShape.Isolated => Between(order.Take(1), order.Skip(1)),
            PartitionShape.MinorityThird => Between(order.Take(Math.Max(1, n / 3)), order.Skip(Math.Max(1, n / 3))),
            PartitionShape.Bridge => Between(order.Take(Quorum.MinorityMax(n)), order.Skip(Quorum.MinorityMax(n) + 1)),
            PartitionShape.MajoritiesRing => Ring(order),
            _ => n > 1 ? new List<(int, int)> { (order[0], order[1]) } : new List<(int, int)>(),
        };
    }

    private static List<(int, int)> Between(IEnumerable<int> a, IEnumerable<int> b)
    {
        var cut = new List<(int, int)>();
        var right = b.ToList();
        foreach (var x in a)
            foreach (var y in right) { cut.Add((x, y)); cut.Add((y, x)); }
        return cut;
    }

    /// <summary>Each node keeps only its ring neighbours within <c>reach</c> on each side: 1 + 2·reach ≥ a majority.</summary>
    private static List<(int, int)> Ring(List<int> ring)
    {
        var n = ring.Count;
        var reach = Quorum.Of(n) / 2;
        var cut = new List<(int, int)>();
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                var d = Math.Abs(i - j);
                if (Math.Min(d, n - d) > reach) cut.Add((ring[i], ring[j]));
            }
        return cut;
    }
}
