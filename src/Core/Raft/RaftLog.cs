using Cairn.Core.Raft.Wire;

namespace Cairn.Core.Raft;

/// <summary>
/// The in-memory view of a node's log, with the watermarks that tie it to the disk:
/// <c>PersistFrom</c> (first index not yet handed to storage), <c>Stable</c> (last index the disk
/// confirmed durable), <c>Committed</c> and <c>Applied</c>. Entries up to <c>SnapshotIndex</c> are
/// compacted into a snapshot (Raft §7); the snapshot's index has term <c>SnapshotTerm</c>, and with no
/// snapshot index 0 is the empty prefix with term 0.
/// </summary>
internal sealed class RaftLog
{
    /// <summary>Entries after <see cref="SnapshotIndex"/>: position 0 holds index SnapshotIndex + 1.</summary>
    private readonly List<Entry> _entries = new();

    public RaftLog(IReadOnlyList<Entry> durable, ulong committed, ulong snapshotIndex = 0, ulong snapshotTerm = 0)
    {
        SnapshotIndex = snapshotIndex;
        SnapshotTerm = snapshotTerm;
        for (var i = 0; i < durable.Count; i++)
        {
            if (durable[i].Index != snapshotIndex + (ulong)i + 1)
                throw new InvalidDataException($"recovered log has index {durable[i].Index} at position {i + 1} after snapshot {snapshotIndex}");
            _entries.Add(durable[i]);
            RetainedBytes += durable[i].Data.Length;
        }
        Stable = LastIndex;
        PersistFrom = LastIndex + 1;
        // A snapshot holds only committed entries, so the commit index is at least its index.
        Committed = Math.Max(snapshotIndex, Math.Min(committed, LastIndex));
        // The driver restores the state machine from the snapshot before it starts the node.
        Applied = snapshotIndex;
    }

    /// <summary>The last index covered by the snapshot; entries at or below it are gone.</summary>
    public ulong SnapshotIndex { get; private set; }
    /// <summary>The term of the entry at <see cref="SnapshotIndex"/>.</summary>
    public ulong SnapshotTerm { get; private set; }
    /// <summary>True while an installed snapshot is not yet durable and restored: nothing may be applied.</summary>
    public bool RestorePending => Applied < SnapshotIndex;

    public ulong LastIndex => SnapshotIndex + (ulong)_entries.Count;

    /// <summary>Payload bytes of every entry the log retains (after the snapshot).</summary>
    public long RetainedBytes { get; private set; }

    /// <summary>Payload bytes of the entries in (<paramref name="after"/>, <paramref name="through"/>].</summary>
    public long BytesBetween(ulong after, ulong through)
    {
        long bytes = 0;
        for (var i = Math.Max(after, SnapshotIndex) + 1; i <= Math.Min(through, LastIndex); i++) bytes += _entries[Pos(i)].Data.Length;
        return bytes;
    }

    private void RemoveEntries(int from, int count)
    {
        for (var i = from; i < from + count; i++) RetainedBytes -= _entries[i].Data.Length;
        _entries.RemoveRange(from, count);
        Invariant.Holds(RetainedBytes >= 0, "retained log bytes are never negative: {0}", (ulong)Math.Max(0, -RetainedBytes));
    }
    public ulong LastTerm => Term(LastIndex);
    public ulong Committed { get; private set; }
    public ulong Applied { get; private set; }
    public ulong Stable { get; private set; }
    public ulong PersistFrom { get; private set; }

    /// <summary>The term of the entry at <paramref name="index"/>: <see cref="SnapshotTerm"/> at the snapshot's
    /// index, 0 below it (compacted), at index 0 or beyond the log.</summary>
    public ulong Term(ulong index)
    {
        if (index == SnapshotIndex) return SnapshotTerm;
        return index < SnapshotIndex || index > LastIndex ? 0 : _entries[Pos(index)].Term;
    }

    private int Pos(ulong index) => (int)(index - SnapshotIndex - 1);

    public Entry At(ulong index)
    {
        Invariant.Holds(index > SnapshotIndex && index <= LastIndex, "entry {0} is outside the log ({1}, {2}]", index, SnapshotIndex, LastIndex);
        return _entries[Pos(index)];
    }

    /// <summary>True when the term of <paramref name="index"/> is known here (not compacted away).</summary>
    public bool MatchTerm(ulong index, ulong term) => index >= SnapshotIndex && index <= LastIndex && Term(index) == term;

    /// <summary>Raft §5.4.1: the candidate's log is at least as up to date as ours.</summary>
    public bool IsUpToDate(ulong lastIndex, ulong lastTerm) =>
        lastTerm > LastTerm || (lastTerm == LastTerm && lastIndex >= LastIndex);

    public void Append(Entry entry)
    {
        Invariant.Holds(entry.Index == LastIndex + 1, "append extends the log by exactly one index: entry {0}, last {1}", entry.Index, LastIndex);
        Invariant.Holds(entry.Term >= LastTerm, "terms only grow along the log: entry term {0} after term {1}", entry.Term, LastTerm);
        _entries.Add(entry);
        RetainedBytes += entry.Data.Length;
    }

    /// <summary>
    /// Appends entries received after a verified prefix (Raft §5.3): entries already present with the
    /// same term are kept, the first conflicting entry and everything after it is truncated.
    /// </summary>
    /// <returns>The index of the last entry this append verified.</returns>
    public ulong AppendVerified(ulong prevIndex, IList<Entry> entries, bool truncateOnConflict)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            Invariant.Holds(e.Index == prevIndex + (ulong)i + 1, "appended entries are contiguous: entry {0} after previous index {1}", e.Index, prevIndex + (ulong)i);
            if (e.Index <= SnapshotIndex) continue; // covered by the snapshot, hence committed and matching
            if (e.Index <= LastIndex)
            {
                if (Term(e.Index) == e.Term) continue;
                if (!truncateOnConflict) { RetainedBytes += e.Data.Length - _entries[Pos(e.Index)].Data.Length; _entries[Pos(e.Index)] = e; MarkDirty(e.Index); continue; }
                if (e.Index <= Committed)
                    throw new InvalidOperationException($"entry {e.Index} conflicts with committed entry (commit {Committed})");
                TruncateFrom(e.Index);
            }
            _entries.Add(e);
            RetainedBytes += e.Data.Length;
            MarkDirty(e.Index);
        }
        return prevIndex + (ulong)entries.Count;
    }

    private void TruncateFrom(ulong index)
    {
        RemoveEntries(Pos(index), _entries.Count - Pos(index));
        MarkDirty(index);
    }

    private void MarkDirty(ulong index)
    {
        if (index < PersistFrom) PersistFrom = index;
        if (index <= Stable) Stable = index - 1;
    }

    /// <summary>Entries not yet handed to storage; the write truncates the disk log before their first index.</summary>
    public List<Entry> TakeUnpersisted()
    {
        Invariant.Holds(PersistFrom > SnapshotIndex, "entries to persist follow the snapshot: persist from {0}, snapshot {1}", PersistFrom, SnapshotIndex);
        var result = new List<Entry>();
        for (var i = PersistFrom; i <= LastIndex; i++) result.Add(_entries[Pos(i)]);
        PersistFrom = LastIndex + 1;
        return result;
    }

    public bool HasUnpersisted => PersistFrom <= LastIndex;

    /// <summary>Storage confirmed everything up to <paramref name="index"/> (written with <paramref name="term"/>) durable.</summary>
    public void StableTo(ulong index, ulong term)
    {
        if (index > Stable && MatchTerm(index, term) && index < PersistFrom) Stable = index;
        Invariant.Holds(Stable < PersistFrom, "stable index {0} below the first unpersisted index {1}", Stable, PersistFrom);
    }

    public void CommitTo(ulong index)
    {
        Invariant.Holds(index <= LastIndex, "commit {0} beyond the last index {1}", index, LastIndex);
        if (index > Committed) Committed = index;
        Invariant.Holds(Committed >= SnapshotIndex, "snapshot index {0} at or below the commit index {1}", SnapshotIndex, Committed);
    }

    /// <summary>Lowers the commit index; only a canary does this.</summary>
    public void ForceCommit(ulong index) => Committed = Math.Max(SnapshotIndex, Math.Min(index, LastIndex));

    /// <summary>Committed entries ready to apply: never beyond what is durable here unless a canary says so.</summary>
    public List<Entry> TakeApplicable(bool requireDurable, int max)
    {
        var limit = requireDurable ? Math.Min(Committed, Stable) : Committed;
        var result = new List<Entry>();
        if (RestorePending) return result;
        while (Applied < limit && result.Count < max)
        {
            Applied++;
            result.Add(_entries[Pos(Applied)]);
        }
        Invariant.Holds(Applied <= LastIndex, "applied {0} at or below the last index {1}", Applied, LastIndex);
        return result;
    }

    public bool HasApplicable(bool requireDurable) => !RestorePending && Applied < (requireDurable ? Math.Min(Committed, Stable) : Committed);

    /// <summary>Starts applying after <paramref name="index"/>, for a state machine restored to that point
    /// (never below the snapshot, which the state machine holds once it is restored).</summary>
    public void SetApplied(ulong index) => Applied = Math.Max(SnapshotIndex, Math.Min(index, Committed));

    /// <summary>
    /// Raft §7 compaction: a durable snapshot now covers every entry up to <paramref name="index"/>, so they
    /// are dropped. Only applied, durable entries are compacted; an older snapshot is ignored.
    /// </summary>
    public void CompactTo(ulong index)
    {
        // Beyond applied or stable happens only under the apply-before-durable canary: keep the entries.
        if (index <= SnapshotIndex || index > Applied || index > Stable) return;
        var term = Term(index);
        RemoveEntries(0, Pos(index) + 1);
        SnapshotIndex = index;
        SnapshotTerm = term;
        Invariant.Holds(Term(SnapshotIndex) == term && PersistFrom > SnapshotIndex, "compaction keeps the snapshot's term {0} and never drops unpersisted entries (persist from {1})", term, PersistFrom);
        Invariant.Holds(SnapshotIndex <= Committed, "snapshot index {0} at or below the commit index {1}", SnapshotIndex, Committed);
    }

    /// <summary>
    /// Raft §7 install: the snapshot replaces the log up to <paramref name="index"/>. If our entry there has
    /// the snapshot's term the suffix after it is kept, otherwise the whole log is discarded. Every kept
    /// entry is handed to storage again, since the disk drops its whole log for an install. Nothing is
    /// applied until the snapshot is durable and restored (<see cref="OnSnapshotRestored"/>).
    /// </summary>
    public void Install(ulong index, ulong term)
    {
        Invariant.Holds(index > Committed, "an install moves the log past the commit index: snapshot {0}, commit {1}", index, Committed);
        Invariant.Holds(term > 0, "an installed snapshot has a term: snapshot {0}", index);
        if (MatchTerm(index, term)) RemoveEntries(0, Pos(index) + 1);
        else RemoveEntries(0, _entries.Count);
        SnapshotIndex = index;
        SnapshotTerm = term;
        Committed = index;
        PersistFrom = index + 1;
        Stable = Math.Min(Stable, index - 1);
    }

    /// <summary>The installed snapshot at <paramref name="index"/> is durable and the state machine holds it.</summary>
    public void OnSnapshotRestored(ulong index)
    {
        if (index != SnapshotIndex) return; // a newer install superseded it; that one restores later
        if (Applied < index) Applied = index;
        if (Stable < index) Stable = index;
    }

    /// <summary>Copies entries in [lo, hi] up to the byte and count maxima (at least one entry).</summary>
    public List<Entry> Slice(ulong lo, ulong hi, int bytesMax, int countMax)
    {
        var result = new List<Entry>();
        long bytes = 0;
        Invariant.Holds(lo > SnapshotIndex, "compacted entries are sent as a snapshot: slice from {0}, snapshot {1}", lo, SnapshotIndex);
        for (var i = lo; i <= hi && i <= LastIndex && result.Count < countMax; i++)
        {
            var e = _entries[Pos(i)];
            bytes += e.Data.Length;
            if (result.Count > 0 && bytes > bytesMax) break;
            result.Add(e);
        }
        return result;
    }
}
