using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;
using Cairn.Simulation.World;

namespace Cairn.Simulation.Checking;

/// <summary>
/// Checks the Raft safety properties (Raft §5.2–§5.4, Figure 3) continuously, after every event:
/// election safety, log matching, leader completeness, committed-prefix agreement, commit-index
/// monotonicity, durability of committed entries across crashes, and that every acknowledged client
/// command is in the committed log at the index it was acknowledged for.
/// </summary>
public sealed partial class SafetyChecker : INodeObserver
{
    private readonly IReadOnlyList<SimNode> _nodes;
    private readonly ViolationLog _violations;
    private readonly NodeTrack[] _tracks;
    private readonly Dictionary<ulong, int> _leaderOfTerm = new();
    private readonly Dictionary<(ulong Index, ulong Term), ulong> _chainAt = new();
    private readonly List<CommittedEntry> _committed = new();
    /// <summary>The chained digest of the committed prefix at each index (position 0 = index 1).</summary>
    private readonly List<ulong> _committedChain = new();
    private readonly List<Entry> _committedEntries = new();

    /// <summary>A committed entry and the term of the node that first saw it committed (its committing leader).</summary>
    private readonly record struct CommittedEntry(ulong Term, ulong Digest, ulong PayloadDigest, ulong CommitTerm);

    private sealed class NodeTrack
    {
        public readonly List<ulong> Chain = new();
        public int Incarnation;
        public ulong Commit;
        public ulong Term;
        public RaftRole Role;
    }

    /// <summary>Creates a checker over the given nodes (index 0 = node 1).</summary>
    public SafetyChecker(IReadOnlyList<SimNode> nodes, ViolationLog violations)
    {
        _nodes = nodes;
        _violations = violations;
        _tracks = new NodeTrack[nodes.Count + 1];
        for (var i = 0; i < _tracks.Length; i++) _tracks[i] = new NodeTrack();
    }

    /// <summary>The committed log as first seen committed (position 0 = index 1); kept whole so that checkers can
    /// replay it even after every node compacted it into a snapshot (Raft §7).</summary>
    public IReadOnlyList<Entry> CommittedEntries => _committedEntries;

    /// <summary>Entries known committed anywhere.</summary>
    public int CommittedCount => _committed.Count;

    /// <summary>Leaders elected so far (one per term at most).</summary>
    public int LeadersElected => _leaderOfTerm.Count;

    /// <summary>Payload digest of the committed entry at <paramref name="index"/>, if committed.</summary>
    public ulong? CommittedPayload(ulong index) => index >= 1 && index <= (ulong)_committed.Count ? _committed[(int)index - 1].PayloadDigest : null;

    /// <inheritdoc />
    public void OnReady(ulong node, Ready ready)
    {
        var track = _tracks[node];
        if (ready.Snapshot is not null) ResetChainToSnapshot((int)node, track, ready.Snapshot.Index);
        if (ready.Entries.Count == 0) return;
        var first = (int)ready.Entries[0].Index;
        if (track.Chain.Count >= first) track.Chain.RemoveRange(first - 1, track.Chain.Count - first + 1);
        foreach (var e in ready.Entries) ExtendChain((int)node, track, e);
    }

    /// <inheritdoc />
    public void OnApplied(ulong node, Entry entry)
    {
        // Persistence contract: an entry is applied only once it is durable on this node.
        var raft = _nodes[(int)node - 1].Raft;
        if (raft is not null && entry.Index > raft.StableIndex)
            _violations.Report("ApplyOnlyDurable", $"node {node} applied entry {entry.Index} while only {raft.StableIndex} is durable", (int)node);
    }

    /// <summary>A node (re)started: rebuild its log view from what it recovered.</summary>
    public void OnStart(SimNode node)
    {
        // Persistence contract: a restart recovers everything the disk made durable (a torn unsynced tail excepted).
        if (node.Disk.LostOnLoad is { } lost)
            _violations.Report("DurableStateRecovered", $"node {node.Id} restarted without durable state it had synced: {lost}", node.Id);
        var raft = node.Raft!;
        var track = _tracks[node.Id];
        track.Incarnation = node.Incarnation;
        track.Commit = raft.CommitIndex;
        track.Term = raft.Term;
        track.Role = raft.Role;
        // A snapshot holds committed entries only: its prefix is the committed chain.
        if (raft.SnapshotIndex > 0 && !ResetChainToSnapshot(node.Id, track, raft.SnapshotIndex, keepSuffix: true)) return;
        // The recovered prefix that matches what this node held before is already checked; check the rest.
        var same = (int)raft.SnapshotIndex;
        var previous = same == 0 ? 0UL : track.Chain[same - 1];
        while (same < track.Chain.Count && (ulong)same < raft.LastIndex)
        {
            var chain = EntryDigest.Chain(previous, EntryDigest.Of(raft.EntryAt((ulong)same + 1)));
            if (chain != track.Chain[same]) break;
            previous = chain;
            same++;
        }
        track.Chain.RemoveRange(same, track.Chain.Count - same);
        for (var i = (ulong)same + 1; i <= raft.LastIndex; i++) ExtendChain(node.Id, track, raft.EntryAt(i));
    }

    /// <summary>
    /// Raft §7: a snapshot covers committed entries only, so a node's chain up to the snapshot's index is the
    /// committed chain. An install drops the rest (its retained suffix comes back as entries of the same Ready).
    /// </summary>
    private bool ResetChainToSnapshot(int node, NodeTrack track, ulong index, bool keepSuffix = false)
    {
        if (index > (ulong)_committedChain.Count)
        {
            _violations.Report("CommittedPrefixAgreement", $"node {node} holds a snapshot at {index}, past the {_committedChain.Count} entries known committed", node);
            return false;
        }
        var n = (int)index;
        var matches = track.Chain.Count >= n && track.Chain[n - 1] == _committedChain[n - 1];
        if (matches && keepSuffix) return true;
        track.Chain.Clear();
        track.Chain.AddRange(_committedChain.Take(n));
        return true;
    }

    private void ExtendChain(int node, NodeTrack track, Entry e)
    {
        var previous = track.Chain.Count == 0 ? 0UL : track.Chain[^1];
        var chain = EntryDigest.Chain(previous, EntryDigest.Of(e));
        track.Chain.Add(chain);
        if (_chainAt.TryGetValue((e.Index, e.Term), out var seen))
        {
            if (seen != chain)
                _violations.Report("LogMatching", $"entry ({e.Index}, term {e.Term}) on node {node} has a different prefix than elsewhere", node);
        }
        else _chainAt[(e.Index, e.Term)] = chain;
    }
}
