using Cairn.Simulation.History;

namespace Cairn.Simulation.Checking.Linearizability.Kv;

/// <summary>
/// Splits a KV history by key with union-find: keys one operation touches (a multi-key Txn, a
/// range read or delete) end up in one partition. A range joins every key of the history inside
/// it; an unbounded range therefore joins everything. Operations that touch no known key (a range
/// over keys nobody wrote) form their own partitions. Partitions are ordered by their smallest key.
/// A compaction touches every key's history, so it belongs to every partition (and alone forms one
/// when nothing else does): each partition's model then knows the compaction revision.
/// </summary>
internal static class KeyPartitioner
{
    private static readonly Func<string, string> Identity = static k => k;

    public static IReadOnlyList<HistoryPartition> Partition(IReadOnlyList<ModelOperation<KvRequest, KvResponse>> history)
    {
        var footprints = new List<(List<string> Points, List<(string Start, string End)> Ranges)>(history.Count);
        var all = new SortedSet<string>(StringComparer.Ordinal);
        foreach (ModelOperation<KvRequest, KvResponse> op in history)
        {
            var points = new List<string>();
            var ranges = new List<(string Start, string End)>();
            KeyFootprint.Collect(op.Input, op.Output, points, ranges);
            footprints.Add((points, ranges));
            all.UnionWith(points);
        }

        string[] keys = [.. all];
        var sets = new KeyUnion(keys.Length);
        var anchors = new int[history.Count];
        var compactions = new List<int>();
        for (int i = 0; i < history.Count; i++)
        {
            anchors[i] = history[i].Input is CompactRequest ? Compaction : Join(keys, sets, footprints[i].Points, footprints[i].Ranges);
            if (anchors[i] == Compaction)
            {
                compactions.Add(i);
            }
        }

        return WithCompactions(Group(keys, sets, anchors), compactions);
    }

    private const int Compaction = -2;

    private static List<HistoryPartition> WithCompactions(List<HistoryPartition> partitions, List<int> compactions)
    {
        if (compactions.Count == 0)
        {
            return partitions;
        }

        if (partitions.Count == 0)
        {
            return [new HistoryPartition("(compactions)", compactions)];
        }

        return [.. partitions.Select(p => p with { Operations = [.. p.Operations.Concat(compactions).Order()] })];
    }

    /// <summary>Unions every key the operation touches; returns one of them, or -1 when it touches none.</summary>
    private static int Join(string[] keys, KeyUnion sets, List<string> points, List<(string Start, string End)> ranges)
    {
        int anchor = -1;
        foreach (string point in points)
        {
            int index = Array.BinarySearch(keys, point, StringComparer.Ordinal);
            anchor = anchor < 0 ? index : sets.Union(anchor, index);
        }

        foreach ((string start, string end) in ranges)
        {
            (int low, int high) = KeyRange.Locate<string>(keys, Identity, start, end);
            if (high > low)
            {
                sets.UnionInterval(low, high);
                anchor = anchor < 0 ? low : sets.Union(anchor, low);
            }
        }

        return anchor;
    }

    private static List<HistoryPartition> Group(string[] keys, KeyUnion sets, int[] anchors)
    {
        var slotOfRoot = new int[keys.Length];
        Array.Fill(slotOfRoot, -1);
        var members = new List<List<int>>();
        var labels = new List<(string First, int Count)>();
        for (int k = 0; k < keys.Length; k++)
        {
            int root = sets.Find(k);
            if (slotOfRoot[root] < 0)
            {
                slotOfRoot[root] = members.Count;
                members.Add([]);
                labels.Add((keys[k], 0));
            }

            labels[slotOfRoot[root]] = (labels[slotOfRoot[root]].First, labels[slotOfRoot[root]].Count + 1);
        }

        var partitions = new List<HistoryPartition>();
        var keyless = new List<HistoryPartition>();
        for (int i = 0; i < anchors.Length; i++)
        {
            if (anchors[i] == Compaction)
            {
                continue;
            }

            if (anchors[i] < 0)
            {
                keyless.Add(new HistoryPartition($"(no keys) operation {i}", [i]));
            }
            else
            {
                members[slotOfRoot[sets.Find(anchors[i])]].Add(i);
            }
        }

        for (int p = 0; p < members.Count; p++)
        {
            if (members[p].Count > 0)
            {
                string label = labels[p].Count == 1 ? labels[p].First : $"{labels[p].First} (+{labels[p].Count - 1} keys)";
                partitions.Add(new HistoryPartition(label, members[p]));
            }
        }

        partitions.AddRange(keyless);
        return partitions;
    }
}
