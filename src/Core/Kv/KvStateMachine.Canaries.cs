
namespace Cairn.Core.Kv;

/// <summary>Hooks used only by planted bugs (<see cref="KvBugs"/>); never called on a correct path.</summary>
public sealed partial class KvStateMachine
{
    /// <summary>Canary <see cref="KvBugs.LocalLeaseExpiry"/>: revokes a lease in this replica only, without a
    /// log entry, exactly as an applied lease_expire would, so this replica diverges from the others.</summary>
    internal void ExpireLeaseLocally(long leaseId)
    {
        Invariant.Holds(_bugs.LocalLeaseExpiry, "only the local-lease-expiry canary revokes outside the log");
        _store.Revoke(leaseId, mustExist: false);
        Lessor.OnRevoked(leaseId);
        foreach (RevisionEvents committed in _store.TakeCommitted())
        {
            Watches.Publish(committed);
        }
    }
}
