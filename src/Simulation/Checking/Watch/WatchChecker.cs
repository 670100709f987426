using Cairn.Core.Kv.Wire;
using Google.Protobuf;

namespace Cairn.Simulation.Checking.Watch;

/// <summary>
/// Checks every watch stream against the committed revision history (<see cref="ReferenceHistory"/>): the
/// stream's events must be a prefix of the committed events of its range from its start revision — in
/// order, without gaps or duplicates, with the right kv and prev_kv — across re-creations on other nodes.
/// <see cref="Lag"/> measures how far a stream is behind, for the stall check after the heal.
/// </summary>
public static class WatchChecker
{
    /// <summary>Returns a description of the first stream that deviates, or null when all match.</summary>
    /// <param name="streams">The watch streams.</param>
    /// <param name="committed">The committed events.</param>
    /// <param name="compactedAtMost">The highest revision a compaction may have reached. As in etcd, an event at or
    /// below it may come without its prev_kv: the previous version was superseded by that event, so a compaction
    /// at or past the event's revision removed it (etcd's watch server leaves prev_kv empty when its read of
    /// revision − 1 fails as compacted).</param>
    public static string? Check(IEnumerable<WatchStream> streams, IReadOnlyList<(long Revision, Event Event)> committed, long compactedAtMost = 0)
    {
        ArgumentNullException.ThrowIfNull(streams);
        ArgumentNullException.ThrowIfNull(committed);
        foreach (WatchStream stream in streams)
        {
            if (stream.StartRevision == 0)
            {
                if (stream.Events.Count > 0) return $"watch client {stream.Client} received events before its watch was created";
                continue;
            }
            string? problem = CheckStream(stream, committed, compactedAtMost);
            if (problem is not null) return $"watch client {stream.Client} (range {Show(stream.Key)}..{Show(stream.RangeEnd)}, from revision {stream.StartRevision}, {stream.Watchers} watchers): {problem}";
        }
        return null;
    }

    private static string? CheckStream(WatchStream stream, IReadOnlyList<(long Revision, Event Event)> committed, long compactedAtMost)
    {
        List<(long Revision, Event Event)> expected = Expected(stream, committed, long.MaxValue);
        for (int i = 0; i < stream.Events.Count; i++)
        {
            var (revision, got) = stream.Events[i];
            if (i >= expected.Count)
            {
                return $"event #{i} {Show(got)} at revision {revision} is beyond the {expected.Count} committed events of its range";
            }
            var (wantRevision, want) = expected[i];
            if (revision != wantRevision || !(got.Equals(want) || PrevCompacted(got, want, revision, compactedAtMost)))
            {
                return $"event #{i} is {Show(got)} at revision {revision}, but the committed history has {Show(want)} at revision {wantRevision}"
                    + (revision > wantRevision ? " (a gap: an event was skipped)" : revision < wantRevision ? " (a duplicate or reordered event)" : " (wrong kv or prev_kv)");
            }
        }
        return null;
    }

    private static bool PrevCompacted(Event got, Event want, long revision, long compactedAtMost)
    {
        if (got.PrevKv is not null || want.PrevKv is null || revision > compactedAtMost) return false;
        Event withoutPrev = want.Clone();
        withoutPrev.PrevKv = null;
        return got.Equals(withoutPrev);
    }

    /// <summary>Committed events of the stream's range at or above its start and at or below
    /// <paramref name="upTo"/> that it has not received yet (0 when it has them all).</summary>
    public static int Lag(WatchStream stream, IReadOnlyList<(long Revision, Event Event)> committed, long upTo)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(committed);
        if (stream.StartRevision == 0) return 0;
        return Math.Max(0, Expected(stream, committed, upTo).Count - stream.Events.Count);
    }

    private static List<(long Revision, Event Event)> Expected(WatchStream stream, IReadOnlyList<(long Revision, Event Event)> committed, long upTo) =>
        [.. committed.Where(e => e.Revision >= stream.StartRevision && e.Revision <= upTo && InRange(stream, e.Event.Kv.Key))];

    /// <summary>True when <paramref name="key"/> is in the stream's range (etcd range rules).</summary>
    internal static bool InRange(WatchStream stream, ByteString key)
    {
        if (stream.RangeEnd.IsEmpty) return key.Equals(stream.Key);
        bool unbounded = stream.RangeEnd.Length == 1 && stream.RangeEnd[0] == 0;
        return Compare(key, stream.Key) >= 0 && (unbounded || Compare(key, stream.RangeEnd) < 0);
    }

    private static int Compare(ByteString a, ByteString b) => a.Span.SequenceCompareTo(b.Span);

    private static string Show(ByteString bytes) => bytes.Length == 1 && bytes[0] == 0 ? "\\0" : bytes.ToStringUtf8();

    private static string Show(Event e) =>
        $"{e.Type} {Show(e.Kv.Key)}={Show(e.Kv.Value)} (mod {e.Kv.ModRevision}, v{e.Kv.Version}, prev {(e.PrevKv is null ? "none" : $"{Show(e.PrevKv.Value)} mod {e.PrevKv.ModRevision}")})";
}
