using Cairn.Simulation.History;

namespace Cairn.Simulation.Checking.Linearizability.Kv;

/// <summary>
/// Reads at a past revision and compactions (docs/linearizability.md, "Historical reads"). etcd's
/// rules (mvcc/kvstore_txn.go): a read at R above the current revision fails with
/// "future revision"; a read at R below the compaction revision fails with "compacted"; otherwise
/// it returns the keys as they were at R, with the current revision in its header. A compaction
/// to R at or below the compaction revision fails with "compacted", above the current revision
/// with "future revision".
/// </summary>
public readonly partial struct KvModel
{
    private static bool StepHistoricalRange(in KeyTable table, ref long floor, long compacted, RangeRequest r, KvResponse? output)
    {
        switch (output)
        {
            case null:
                return true;
            case KvErrorResponse { Error: KvErrorResponse.Compacted }:
                return r.Revision < compacted;
            case KvErrorResponse { Error: KvErrorResponse.FutureRevision }:
                return r.Revision > floor; // the store revision is at least the floor
            case RangeResponse range when range.Revision >= floor && range.Revision >= r.Revision && r.Revision >= compacted:
                if (!MatchAt(in table, r, range.Kvs))
                {
                    return false;
                }

                floor = range.Revision;
                return true;
            default:
                return false;
        }
    }

    private static bool StepCompact(ref long floor, ref long compacted, CompactRequest c, KvResponse? output)
    {
        switch (output)
        {
            case null:
                compacted = Math.Max(compacted, c.Revision);
                return true;
            case KvErrorResponse { Error: KvErrorResponse.Compacted }:
                return c.Revision <= compacted;
            case KvErrorResponse { Error: KvErrorResponse.FutureRevision }:
                return c.Revision > floor && c.Revision > compacted;
            case CompactResponse done when c.Revision > compacted && done.Revision >= floor && done.Revision >= c.Revision:
                compacted = c.Revision;
                floor = done.Revision;
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Checks that <paramref name="kvs"/> is the partition's keys in the range as they were at
    /// <c>r.Revision</c>. For each key the log is walked newest first: a write with a known revision
    /// at or below R decides the key; a write known only as "above b" with b &lt; R may or may not be
    /// at or below R, so it is one more accepted candidate (the check stays sound, never stricter
    /// than etcd, at the cost of precision around unknown-outcome writes).
    /// </summary>
    private static bool MatchAt(in KeyTable table, RangeRequest r, IReadOnlyList<KeyValue> kvs)
    {
        var candidates = new SortedDictionary<string, (List<KeyRecord> Writes, bool Decided)>(StringComparer.Ordinal);
        for (WriteLog? entry = table.Log; entry is not null; entry = entry.Earlier)
        {
            KeyRecord write = entry.Write;
            if (!KeyRange.Contains(r.Key, r.RangeEnd, write.Key))
            {
                continue;
            }

            if (!candidates.TryGetValue(write.Key, out (List<KeyRecord> Writes, bool Decided) key))
            {
                key = ([], false);
            }

            if (key.Decided || (Revision.IsKnown(write.ModRevision) ? write.ModRevision > r.Revision : -write.ModRevision >= r.Revision))
            {
                candidates[write.Key] = key;
                continue;
            }

            key.Writes.Add(write);
            candidates[write.Key] = (key.Writes, Revision.IsKnown(write.ModRevision));
        }

        return MatchCandidates(candidates, kvs, r.Revision);
    }

    private static bool MatchCandidates(SortedDictionary<string, (List<KeyRecord> Writes, bool Decided)> candidates, IReadOnlyList<KeyValue> kvs, long at)
    {
        for (int i = 1; i < kvs.Count; i++)
        {
            if (string.CompareOrdinal(kvs[i - 1].Key, kvs[i].Key) >= 0)
            {
                return false;
            }
        }

        var returned = kvs.ToDictionary(kv => kv.Key, StringComparer.Ordinal);
        if (returned.Keys.Any(k => !candidates.ContainsKey(k)))
        {
            return false; // a key nobody in the partition ever wrote
        }

        foreach ((string key, (List<KeyRecord> writes, bool decided)) in candidates)
        {
            bool absentPossible = !decided || writes.Any(w => WriteLog.IsDeletion(w));
            bool ok = returned.TryGetValue(key, out KeyValue? seen)
                ? writes.Any(w => !WriteLog.IsDeletion(w) && Matches(w, seen, at))
                : absentPossible;
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool Matches(KeyRecord have, KeyValue seen, long at) =>
        have.Value == seen.Value && have.Version == seen.Version && seen.ModRevision <= at &&
        Revision.Admits(have.CreateRevision, seen.CreateRevision) && Revision.Admits(have.ModRevision, seen.ModRevision);
}
