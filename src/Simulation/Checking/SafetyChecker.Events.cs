using Cairn.Core.Raft;
using Cairn.Simulation.World;

namespace Cairn.Simulation.Checking;

public sealed partial class SafetyChecker
{
    /// <summary>Inspects one node after an event touched it.</summary>
    public void AfterEvent(SimNode node)
    {
        var raft = node.Raft;
        if (raft is null) return;
        var track = _tracks[node.Id];
        if (raft.Role == RaftRole.Leader)
        {
            CheckLeader(node.Id, raft, track);
            if (track.Incarnation == node.Incarnation) CheckLeaderCommit(node.Id, raft, track);
        }
        if (raft.CommitIndex < track.Commit && track.Incarnation == node.Incarnation)
            _violations.Report("CommitMonotonic", $"commit index fell from {track.Commit} to {raft.CommitIndex}", node.Id);
        if (raft.CommitIndex > track.Commit || track.Incarnation != node.Incarnation) CheckCommitted(node.Id, raft, track.Commit);
        track.Commit = raft.CommitIndex;
        track.Incarnation = node.Incarnation;
        track.Term = raft.Term;
        track.Role = raft.Role;
    }

    /// <summary>Raft §5.2 election safety, and §5.4 leader completeness (entries committed in earlier terms) for a leader new in its term.</summary>
    private void CheckLeader(int node, RaftNode raft, NodeTrack track)
    {
        if (_leaderOfTerm.TryGetValue(raft.Term, out var other))
        {
            if (other != node)
                _violations.Report("ElectionSafety", $"nodes {other} and {node} are both leader in term {raft.Term}", other, node);
            return;
        }
        _leaderOfTerm[raft.Term] = node;
        CheckLeaderVotes(node, raft);
        for (var i = 0; i < _committed.Count; i++)
        {
            var index = (ulong)i + 1;
            // Only entries committed in earlier terms bind this leader; a slow election can finish after later commits.
            // Entries below its snapshot are held by the snapshot, which covers only committed entries.
            if (index < raft.SnapshotIndex) continue;
            if (_committed[i].CommitTerm < raft.Term && raft.TermAt(index) != _committed[i].Term)
            {
                _violations.Report("LeaderCompleteness",
                    $"leader of term {raft.Term} lacks committed entry {index} (term {_committed[i].Term}); it has term {raft.TermAt(index)}", node);
                return;
            }
        }
    }

    /// <summary>Committed prefixes agree across nodes and over time.</summary>
    private void CheckCommitted(int node, RaftNode raft, ulong from)
    {
        for (var index = Math.Max(from, raft.SnapshotIndex) + 1; index <= raft.CommitIndex; index++)
        {
            if (index > (ulong)_committed.Count + 1)
            {
                _violations.Report("CommittedPrefixAgreement", $"node {node} committed {index} past a gap: only {_committed.Count} entries are known committed", node);
                return;
            }
            var e = raft.EntryAt(index);
            var entry = new CommittedEntry(e.Term, EntryDigest.Of(e), EntryDigest.OfPayload(0, e.Data.Span), raft.Term);
            if (index <= (ulong)_committed.Count)
            {
                var known = _committed[(int)index - 1];
                if (known.Digest != entry.Digest)
                {
                    _violations.Report("CommittedPrefixAgreement",
                        $"node {node} committed ({index}, term {e.Term}) but ({index}, term {known.Term}) was committed before", node);
                    return;
                }
            }
            else
            {
                _committed.Add(entry);
                _committedEntries.Add(e);
                _committedChain.Add(EntryDigest.Chain(_committedChain.Count == 0 ? 0UL : _committedChain[^1], entry.Digest));
            }
        }
    }

    /// <summary>
    /// After a crash: every committed entry must still be durable on a quorum, or a later leader could
    /// be elected without it (the persistence contract).
    /// </summary>
    public void AfterCrash(int crashed)
    {
        var quorum = Cairn.Core.Raft.Quorum.Of(_nodes.Count);
        for (var i = 0; i < _committed.Count; i++)
        {
            var copies = 0;
            foreach (var n in _nodes)
                if (n.Disk.DurablyHolds((ulong)i + 1, _committed[i].Term)) copies++;
            if (copies < quorum)
            {
                _violations.Report("CommittedEntryDurable",
                    $"committed entry {i + 1} (term {_committed[i].Term}) is durable on {copies} nodes after node {crashed} crashed; quorum is {quorum}", crashed);
                return;
            }
        }
    }

    /// <summary>A client was told its command applied at <paramref name="index"/>: it must be the committed entry there.</summary>
    public void OnAcknowledged(int client, ulong index, ulong payloadDigest)
    {
        var committed = CommittedPayload(index);
        if (committed is null)
            _violations.Report("AcknowledgedCommandCommitted", $"client {client} acknowledged at index {index}, which is not committed");
        else if (committed != payloadDigest)
            _violations.Report("AcknowledgedCommandCommitted", $"client {client} acknowledged at index {index}, which holds another command");
    }
}
