using Cairn.Core.Raft.Wire;

namespace Cairn.Simulation.Tests.Coyote;

/// <summary>
/// One node's disk: only what a Ready asked to persist and whose sync completed. It outlives the
/// node actor's incarnations, so a crash keeps exactly this state (Raft §5.1: persistent state).
/// </summary>
internal sealed class DurableStore
{
    private readonly List<Entry> _entries = new();

    public HardState? HardState { get; private set; }

    public IReadOnlyList<Entry> Entries => _entries;

    /// <summary>Makes one write durable: truncate at the first entry's index, append, replace the hard state.</summary>
    public void Apply(HardState? hardState, IReadOnlyList<Entry> entries)
    {
        if (entries.Count > 0)
        {
            var first = (int)entries[0].Index;
            if (first < 1 || first > _entries.Count + 1)
                throw new InvalidOperationException($"write starting at index {first} leaves a gap after {_entries.Count}");
            _entries.RemoveRange(first - 1, _entries.Count - first + 1);
            foreach (var e in entries) _entries.Add(e.Clone());
        }
        if (hardState is not null) HardState = hardState.Clone();
    }

    /// <summary>What a restarting process reads back: copies, so the new incarnation shares nothing.</summary>
    public (HardState? HardState, List<Entry> Entries) Load() =>
        (HardState?.Clone(), _entries.Select(e => e.Clone()).ToList());
}
