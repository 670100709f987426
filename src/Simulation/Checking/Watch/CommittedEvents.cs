using Cairn.Core.Kv;
using Cairn.Core.Kv.Wire;
using Cairn.Core.Raft;
using Google.Protobuf;
using RaftEntryType = Cairn.Core.Raft.Wire.EntryType;
using Entry = Cairn.Core.Raft.Wire.Entry;

namespace Cairn.Simulation.Checking.Watch;

/// <summary>
/// The reference revision history: every event of every committed revision, in order, rebuilt by
/// replaying a node's committed log into a fresh, canary-free <see cref="KvStateMachine"/> watched
/// from its first revision with prev_kv. Replaying (rather than reading the node's MVCC store) keeps
/// history that a compaction removed, and is independent of any planted bug in the nodes.
/// </summary>
public sealed class CommittedEvents
{
    private CommittedEvents(List<(long Revision, Event Event)> events, ulong committedIndex)
    {
        Events = events;
        CommittedIndex = committedIndex;
    }

    /// <summary>Every committed event with its revision, in commit order.</summary>
    public IReadOnlyList<(long Revision, Event Event)> Events { get; }

    /// <summary>The last log index replayed.</summary>
    public ulong CommittedIndex { get; }

    /// <summary>Replays the committed prefix of <paramref name="raft"/>'s log.</summary>
    public static CommittedEvents Replay(RaftNode raft)
    {
        ArgumentNullException.ThrowIfNull(raft);
        if (raft.SnapshotIndex > 0) throw new InvalidOperationException("a compacted log cannot be replayed from index 1; replay the recorded committed log");
        var entries = new List<Entry>();
        for (ulong i = 1; i <= Math.Min(raft.CommitIndex, raft.LastIndex); i++) entries.Add(raft.EntryAt(i));
        return Replay(entries, (ulong)entries.Count);
    }

    /// <summary>Replays the committed log <paramref name="committed"/> (position 0 = index 1) up to <paramref name="last"/>.</summary>
    /// <param name="committed">The committed entries.</param>
    /// <param name="last">The last index to replay.</param>
    /// <param name="options">The replicated limits the cluster ran with (session eviction decides which commands apply).</param>
    public static CommittedEvents Replay(IReadOnlyList<Entry> committed, ulong last, KvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(committed);
        last = Math.Min(last, (ulong)committed.Count);
        var reference = new KvStateMachine(options);
        var all = ByteString.CopyFrom(0);
        reference.Watches.Create(new WatchCreateRequest { Key = all, RangeEnd = all, PrevKv = true });
        var events = new List<(long, Event)>();
        for (ulong i = 1; i <= last; i++)
        {
            var entry = committed[(int)i - 1];
            if (entry.Type != RaftEntryType.EntryNormal) continue;
            reference.Apply(i, entry.Data.Span);
            foreach (WatchResponse response in reference.Watches.Drain())
            {
                foreach (Event e in response.Events) events.Add((response.Header.Revision, e));
            }
        }
        return new CommittedEvents(events, last);
    }
}
