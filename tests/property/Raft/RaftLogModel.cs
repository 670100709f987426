using Cairn.Core.Raft.Wire;

namespace Cairn.Property.Tests.Raft;

/// <summary>
/// The naive model of a Raft log and its disk: the in-memory log, the image storage will hold once every
/// issued write lands (<see cref="Handed"/>), the image that is durable (<see cref="Durable"/>), and the
/// writes in flight. Terms are issued so that (index, term) names one entry forever (Raft Log Matching):
/// every rewrite of the log starts a fresh term.
/// </summary>
internal sealed class RaftLogModel
{
    public List<ulong> Log { get; } = new();
    public List<ulong> Handed { get; } = new();
    public List<ulong> Durable { get; } = new();
    public Queue<List<Entry>> Writes { get; } = new();
    public List<(ulong Index, ulong Term)> AppliedHistory { get; } = new();
    public ulong Committed { get; set; }
    public ulong Applied { get; set; }
    /// <summary>The term new entries are written with; never reused once the log is rewritten.</summary>
    public ulong CurrentTerm { get; set; } = 1;

    public ulong LastIndex => (ulong)Log.Count;

    public ulong TermAt(ulong index) => index == 0 || index > LastIndex ? 0 : Log[(int)index - 1];

    /// <summary>The first index at which the memory log differs from what storage will hold, or null.</summary>
    public ulong? FirstDirtyIndex()
    {
        for (var i = 0; i < Log.Count; i++)
            if (i >= Handed.Count || Handed[i] != Log[i]) return (ulong)i + 1;
        return null;
    }

    /// <summary>The disk write contract: drop every entry at or after the first written index, then append.</summary>
    public static void ApplyWrite(List<ulong> image, IReadOnlyList<Entry> write)
    {
        if (write.Count == 0) return;
        var first = (int)write[0].Index - 1;
        if (first < image.Count) image.RemoveRange(first, image.Count - first);
        foreach (var e in write)
        {
            if (e.Index != (ulong)image.Count + 1) throw new InvalidOperationException($"write leaves a hole before {e.Index}");
            image.Add(e.Term);
        }
    }
}
