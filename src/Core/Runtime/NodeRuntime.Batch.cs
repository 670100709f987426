using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;

namespace Cairn.Core.Runtime;

public sealed partial class NodeRuntime
{
    private int _batchDepth;
    private bool _drainDue;

    /// <summary>
    /// Starts a batch: the inputs given until the returned scope is disposed (proposals, frames, ticks, disk
    /// completions, reads) each run to completion at once, but the Ready they produce together is carried out
    /// only once, when the outermost batch ends. A burst of proposals thus becomes one <see cref="DiskWrite"/>, and
    /// a burst of acknowledgements one round of appends (etcd-raft likewise takes one Ready for everything stepped
    /// since the last one). The persistence contract is unchanged: nothing that waits for a write leaves before
    /// it is durable. Batches nest; inputs that arrive re-entrantly are still queued as without a batch.
    /// </summary>
    /// <example><code>using (runtime.BeginBatch()) { foreach (var input in drained) input(); }</code></example>
    public Batch BeginBatch()
    {
        _batchDepth++;
        return new Batch(this);
    }

    /// <summary>The scope of <see cref="BeginBatch"/>; disposing it carries out the batch's Ready.</summary>
    public readonly struct Batch : IDisposable
    {
        private readonly NodeRuntime? _runtime;

        internal Batch(NodeRuntime runtime) => _runtime = runtime;

        /// <summary>Ends the batch (once); the outermost end carries out everything the batch produced.</summary>
        public void Dispose() => _runtime?.EndBatch();
    }

    private void EndBatch()
    {
        Invariant.Holds(_batchDepth > 0, "a batch ends only once it began");
        if (--_batchDepth > 0 || !_drainDue) return;
        Accept(0, static (r, _) => r.DrainBatch());
    }

    private void DrainBatch()
    {
        _drainDue = false;
        if (!Stopped) Drain();
    }

    /// <summary>True (and the drain remembered) while a batch holds Readys back for its end.</summary>
    private bool DeferDrainToBatch()
    {
        if (_batchDepth == 0) return false;
        _drainDue = true;
        return true;
    }

    /// <summary>
    /// The commit index alone is not worth a sync of its own. A Ready whose only durable change is a higher commit
    /// index (no entries, no snapshot, term and vote as last written) submits no write: its hard state rides along
    /// with the next write. This is safe because the commit index is recoverable and nothing is acknowledged on
    /// its strength: a restarted node only ever needs commit ≤ the truth (Raft keeps commitIndex volatile, §5.3,
    /// Figure 2); the leader re-teaches it with its next append or heartbeat, and the state machine's applied index,
    /// which only ever covers committed entries, raises it at start (<see cref="RaftNode.SetApplied"/>).
    /// Term and vote, which are promises, are always written and synced before anything depending on them leaves.
    /// </summary>
    private bool CarryCommitOnly(Ready ready)
    {
        var hs = ready.HardState;
        if (hs is null || ready.Entries.Count > 0 || ready.Snapshot is not null) return false;
        if (hs.Term != _writtenHardState.Term || hs.Vote != _writtenHardState.Vote) return false;
        _carriedHardState = hs;
        return true;
    }

    private HardState _writtenHardState = new();
    private HardState? _carriedHardState;
}
