namespace Cairn.Simulation.Checking.Kv;

/// <summary>
/// State machine safety for the KV store (Raft §5.4.3 lifted to the applied state): every replica that
/// has applied log index <c>i</c> holds the same store revision, lease count and session count there,
/// because apply is deterministic and the committed log is the same everywhere. A replica that changes
/// its state outside the log (a lease expired locally) diverges and is reported as <c>ReplicaAgreement</c>.
/// </summary>
public sealed class ReplicaAgreementCheck
{
    private readonly ViolationLog _violations;
    private readonly List<(StateDigest Digest, int Node)?> _byIndex = new();

    /// <summary>A summary of a replica's applied state after one index.</summary>
    /// <param name="Revision">The store revision.</param>
    /// <param name="Leases">Leases in the lease table.</param>
    /// <param name="Sessions">Open exactly-once sessions.</param>
    public readonly record struct StateDigest(long Revision, int Leases, int Sessions);

    /// <summary>Creates the check reporting into <paramref name="violations"/>.</summary>
    public ReplicaAgreementCheck(ViolationLog violations) => _violations = violations;

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
}
