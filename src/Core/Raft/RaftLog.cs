using System.Diagnostics;
using Cairn.Core.Raft.Wire;

namespace Cairn.Core.Raft;

/// <summary>
/// The in-memory view of a node's log, with the watermarks that tie it to the disk:
/// <c>PersistFrom</c> (first index not yet handed to storage), <c>Stable</c> (last index the disk
/// confirmed durable), <c>Committed</c> and <c>Applied</c>. Index 0 is the empty prefix with term 0.
/// </summary>
internal sealed class RaftLog
{
    private readonly List<Entry> _entries = new();

    public RaftLog(IReadOnlyList<Entry> durable, ulong committed)
    {
        for (var i = 0; i < durable.Count; i++)
        {
            if (durable[i].Index != (ulong)i + 1)
                throw new InvalidDataException($"recovered log has index {durable[i].Index} at position {i + 1}");
            _entries.Add(durable[i]);
        }
        Stable = LastIndex;
        PersistFrom = LastIndex + 1;
        Committed = Math.Min(committed, LastIndex);
    }

    public ulong LastIndex => (ulong)_entries.Count;
    public ulong LastTerm => Term(LastIndex);
    public ulong Committed { get; private set; }
    public ulong Applied { get; private set; }
    public ulong Stable { get; private set; }
    public ulong PersistFrom { get; private set; }

    /// <summary>The term of the entry at <paramref name="index"/>, or 0 for index 0 or beyond the log.</summary>
    public ulong Term(ulong index) => index == 0 || index > LastIndex ? 0 : _entries[(int)index - 1].Term;

    public Entry At(ulong index)
    {
        Debug.Assert(index >= 1 && index <= LastIndex);
        return _entries[(int)index - 1];
    }

    public bool MatchTerm(ulong index, ulong term) => index <= LastIndex && Term(index) == term;

    /// <summary>Raft §5.4.1: the candidate's log is at least as up to date as ours.</summary>
    public bool IsUpToDate(ulong lastIndex, ulong lastTerm) =>
        lastTerm > LastTerm || (lastTerm == LastTerm && lastIndex >= LastIndex);

    public void Append(Entry entry)
    {
        Debug.Assert(entry.Index == LastIndex + 1, "append must extend the log by exactly one index");
        _entries.Add(entry);
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
            Debug.Assert(e.Index == prevIndex + (ulong)i + 1);
            if (e.Index <= LastIndex)
            {
                if (Term(e.Index) == e.Term) continue;
                if (!truncateOnConflict) { _entries[(int)e.Index - 1] = e; MarkDirty(e.Index); continue; }
                if (e.Index <= Committed)
                    throw new InvalidOperationException($"entry {e.Index} conflicts with committed entry (commit {Committed})");
                TruncateFrom(e.Index);
            }
            _entries.Add(e);
            MarkDirty(e.Index);
        }
        return prevIndex + (ulong)entries.Count;
    }

    private void TruncateFrom(ulong index)
    {
        _entries.RemoveRange((int)index - 1, _entries.Count - (int)index + 1);
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
        var result = new List<Entry>();
        for (var i = PersistFrom; i <= LastIndex; i++) result.Add(_entries[(int)i - 1]);
        PersistFrom = LastIndex + 1;
        return result;
    }

    public bool HasUnpersisted => PersistFrom <= LastIndex;

    /// <summary>Storage confirmed everything up to <paramref name="index"/> (written with <paramref name="term"/>) durable.</summary>
    public void StableTo(ulong index, ulong term)
    {
        if (index > Stable && MatchTerm(index, term) && index < PersistFrom) Stable = index;
    }

    public void CommitTo(ulong index)
    {
        Debug.Assert(index <= LastIndex, "commit beyond the end of the log");
        if (index > Committed) Committed = index;
    }

    /// <summary>Lowers the commit index; only a canary does this.</summary>
    public void ForceCommit(ulong index) => Committed = Math.Min(index, LastIndex);

    /// <summary>Committed entries ready to apply: never beyond what is durable here unless a canary says so.</summary>
    public List<Entry> TakeApplicable(bool requireDurable, int max)
    {
        var limit = requireDurable ? Math.Min(Committed, Stable) : Committed;
        var result = new List<Entry>();
        while (Applied < limit && result.Count < max)
        {
            Applied++;
            result.Add(_entries[(int)Applied - 1]);
        }
        return result;
    }

    public bool HasApplicable(bool requireDurable) => Applied < (requireDurable ? Math.Min(Committed, Stable) : Committed);

    /// <summary>Starts applying after <paramref name="index"/>, for a state machine restored to that point.</summary>
    public void SetApplied(ulong index) => Applied = Math.Min(index, Committed);

    /// <summary>Copies entries in [lo, hi] up to the byte and count maxima (at least one entry).</summary>
    public List<Entry> Slice(ulong lo, ulong hi, int bytesMax, int countMax)
    {
        var result = new List<Entry>();
        long bytes = 0;
        for (var i = lo; i <= hi && i <= LastIndex && result.Count < countMax; i++)
        {
            var e = _entries[(int)i - 1];
            bytes += e.Data.Length;
            if (result.Count > 0 && bytes > bytesMax) break;
            result.Add(e);
        }
        return result;
    }
}
