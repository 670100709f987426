namespace Cairn.Simulation.Checking.Kv;

/// <summary>
/// State machine safety for the KV store (Raft §5.4.3 lifted to the applied state): every replica that
/// has applied log index <c>i</c> holds the same state there, because apply is deterministic and the
/// committed log is the same everywhere. Two comparisons, both at equal applied index:
/// <list type="bullet">
/// <item>after every apply, a cheap summary (revision, lease count, session count);</item>
/// <item>at sampled indexes (every <see cref="DigestEveryIndexes"/>-th), and whenever a replica takes or
/// restores a snapshot, a hash of the whole replicated state (<c>KvStateMachine.StateDigest</c>): every
/// key's retained history, every lease with its TTL and attached keys, every session. A replica restored
/// from a snapshot is compared with the replica that took it and with every other one at that index.</item>
/// </list>
/// A replica that changes its state outside the log (a lease expired locally, a key lost on restore)
/// diverges and is reported as <c>ReplicaAgreement</c>.
/// </summary>
public sealed class ReplicaAgreementCheck
{
    /// <summary>The full state hash is compared at every index that is a multiple of this.</summary>
    public const ulong DigestEveryIndexes = 16;

    /// <summary>Most sampled full digests kept; the oldest are forgotten beyond it (bounded memory).</summary>
    public const int DigestsMax = 1 << 16;

    private readonly ViolationLog _violations;
    private readonly List<(StateDigest Digest, int Node)?> _byIndex = new();
    private readonly SortedDictionary<ulong, (ulong Hash, int Node, string Origin)> _hashes = new();

    /// <summary>A summary of a replica's applied state after one index.</summary>
    /// <param name="Revision">The store revision.</param>
    /// <param name="Leases">Leases in the lease table.</param>
    /// <param name="Sessions">Open exactly-once sessions.</param>
    public readonly record struct StateDigest(long Revision, int Leases, int Sessions);

    /// <summary>Creates the check reporting into <paramref name="violations"/>.</summary>
    public ReplicaAgreementCheck(ViolationLog violations) => _violations = violations;

    /// <summary>Full state hashes compared so far.</summary>
    public long HashesCompared { get; private set; }

    /// <summary>True when the full hash should be taken after applying <paramref name="index"/>.</summary>
    public static bool Sampled(ulong index) => index % DigestEveryIndexes == 0;

    /// <summary>Node <paramref name="node"/> applied the command at <paramref name="index"/> and now holds
    /// <paramref name="digest"/>. (No-op entries are not applied, so indexes may skip.)</summary>
    public void OnApplied(int node, ulong index, StateDigest digest)
    {
        while ((ulong)_byIndex.Count < index)
        {
            _byIndex.Add(null);
        }
        int slot = (int)index - 1;
        if (_byIndex[slot] is not (StateDigest first, int firstNode))
        {
            _byIndex[slot] = (digest, node);
            return;
        }
        if (first != digest && !_violations.Any)
        {
            _violations.Report("ReplicaAgreement",
                $"after applying index {index} node {node} holds {digest} but node {firstNode} held {first}", node, firstNode);
        }
    }

    /// <summary>Node <paramref name="node"/> holds the state whose full hash is <paramref name="hash"/> at
    /// applied index <paramref name="index"/>; <paramref name="origin"/> says how it got there
    /// ("apply", "snapshot taken", "snapshot restored").</summary>
    public void OnStateHash(int node, ulong index, ulong hash, string origin)
    {
        if (!_hashes.TryGetValue(index, out (ulong Hash, int Node, string Origin) first))
        {
            _hashes[index] = (hash, node, origin);
            while (_hashes.Count > DigestsMax)
            {
                _hashes.Remove(_hashes.Keys.First());
            }
            return;
        }
        HashesCompared++;
        if (first.Hash != hash && !_violations.Any)
        {
            _violations.Report("ReplicaAgreement",
                $"at applied index {index} node {node} ({origin}) holds state hash {hash:x16} but node {first.Node} ({first.Origin}) held {first.Hash:x16}",
                node, first.Node);
        }
    }
}
