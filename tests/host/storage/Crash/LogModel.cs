using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;

namespace Cairn.Host.Storage.Tests.Crash;

/// <summary>The durable state a log disk must hold after a prefix of writes, applied with <see cref="DiskWrite"/>'s rules.</summary>
public sealed class LogModel
{
    public HardState? HardState { get; private set; }
    public SnapshotRecord? Snapshot { get; private set; }
    public List<Entry> Entries { get; } = new();
    public ulong Base => Snapshot?.Index ?? 0;
    public ulong Last => Base + (ulong)Entries.Count;

    public ulong TermAt(ulong index) => index == Base ? Snapshot?.Term ?? 0 : Entries[(int)(index - Base - 1)].Term;

    public void Apply(DiskWrite write)
    {
        if (write.Snapshot is { } s && (s.ReplaceLog || s.Index > Base))
        {
            var keepSuffix = !s.ReplaceLog && s.Index <= Last && TermAt(s.Index) == s.Term;
            if (keepSuffix) Entries.RemoveRange(0, (int)(s.Index - Base));
            else Entries.Clear();
            Snapshot = s;
        }
        if (write.Entries.Count > 0)
        {
            var from = (int)(write.Entries[0].Index - Base - 1);
            Entries.RemoveRange(from, Entries.Count - from);
            Entries.AddRange(write.Entries);
        }
        if (write.HardState is not null) HardState = write.HardState;
    }

    public bool Matches(DurableState state) =>
        Equals(HardState, state.HardState) && Equals(Snapshot, state.Snapshot) && Entries.SequenceEqual(state.Entries);
}
