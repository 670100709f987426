using Cairn.Core.Kv;
using Cairn.Core.Kv.Wire;
using Cairn.Core.Raft;
using Google.Protobuf;
using RaftEntryType = Cairn.Core.Raft.Wire.EntryType;

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
        var reference = new KvStateMachine();
        var all = ByteString.CopyFrom(0);
        reference.Watches.Create(new WatchCreateRequest { Key = all, RangeEnd = all, PrevKv = true });
        var events = new List<(long, Event)>();
        ulong last = Math.Min(raft.CommitIndex, raft.LastIndex);
        for (ulong i = 1; i <= last; i++)
        {
            var entry = raft.EntryAt(i);
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
