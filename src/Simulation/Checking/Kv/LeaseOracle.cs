using Cairn.Core.Kv;
using Cairn.Core.Kv.Service;
using Cairn.Core.Kv.Wire;
using Cairn.Simulation.Workloads;
using Google.Protobuf;

namespace Cairn.Simulation.Checking.Kv;

/// <summary>
/// Leases against true simulated time (invariant <c>LeaseExpiry</c>):
/// <list type="bullet">
/// <item><b>Never early.</b> A lease is expired (its lease_expire entry applied on some replica) no earlier
/// than its TTL after the invocation of the last grant or keep-alive that a client saw succeed. The
/// leader renewed it at or after that invocation, so a correct lessor expires it later still. Allowance:
/// each clock change (skew, drift or jump on any node) inside the window may add up to one capped lessor
/// step (<see cref="KvServiceOptions.LessorStepMaxMs"/>) of false time, and drift beyond what the lessor
/// assumes (<see cref="LessorOptions.ClockDriftMaxPpm"/>, against the fault plan's
/// <see cref="Faults.NemesisOptions.ClockDriftMaxPpm"/>) may shorten the TTL by that excess rate.</item>
/// <item><b>Keys gone with it.</b> When a lease_expire or lease_revoke entry has been applied, no live key
/// carries that lease any more: the bound is zero revisions, the keys are deleted in the same revision.</item>
/// </list>
/// </summary>
internal sealed class LeaseOracle
{
    private readonly IClientWorld _world;
    private readonly long _driftExcessPpm;
    private readonly long _stepMaxMs;
    private readonly SortedDictionary<long, (long RenewedAtMs, long TtlSeconds)> _renewed = new();
    private ulong _highestApplied;

    /// <summary>Creates the oracle for <paramref name="world"/>'s fault plan.</summary>
    public LeaseOracle(IClientWorld world)
    {
        _world = world;
        _driftExcessPpm = Math.Max(0, world.ClockDriftMaxPpm - LessorOptions.Default.ClockDriftMaxPpm);
        _stepMaxMs = KvServiceOptions.Default.LessorStepMaxMs;
    }

    /// <summary>Lease expiries checked against true time.</summary>
    public long ExpiriesChecked { get; private set; }

    /// <summary>A client invoked at <paramref name="invokedAtMs"/> a grant or keep-alive of
    /// <paramref name="lease"/> that succeeded with <paramref name="ttlSeconds"/>.</summary>
    public void OnRenewed(long lease, long ttlSeconds, long invokedAtMs)
    {
        if (lease == 0 || ttlSeconds <= 0) return;
        if (_renewed.TryGetValue(lease, out var known) && known.RenewedAtMs > invokedAtMs) return;
        _renewed[lease] = (invokedAtMs, ttlSeconds);
    }

    /// <summary>A replica applied the entry at <paramref name="index"/>; only the first replica to apply an
    /// index is judged (the earliest true time the entry took effect).</summary>
    public void OnApplied(int node, ulong index, ReadOnlySpan<byte> command, KvStateMachine state)
    {
        if (index <= _highestApplied) return;
        _highestApplied = index;
        KvCommand parsed;
        try
        {
            parsed = KvCommand.Parser.ParseFrom(command);
        }
        catch (InvalidProtocolBufferException)
        {
            return;
        }
        long lease = parsed.RequestCase switch
        {
            KvCommand.RequestOneofCase.LeaseExpire => parsed.LeaseExpire.ID,
            KvCommand.RequestOneofCase.LeaseRevoke => parsed.LeaseRevoke.ID,
            _ => 0,
        };
        if (lease == 0) return;
        CheckKeysGone(node, lease, state);
        if (parsed.RequestCase == KvCommand.RequestOneofCase.LeaseExpire) CheckNotEarly(node, lease);
        _renewed.Remove(lease);
    }

    private void CheckNotEarly(int node, long lease)
    {
        if (!_renewed.TryGetValue(lease, out var renewed)) return;
        ExpiriesChecked++;
        long now = _world.Now;
        long ttlMs = renewed.TtlSeconds * 1000;
        long allowance = (_world.ClockChangesBetween(renewed.RenewedAtMs, now) * _stepMaxMs) + (ttlMs * _driftExcessPpm / 1_000_000);
        long earliest = renewed.RenewedAtMs + ttlMs - allowance;
        if (now < earliest)
        {
            _world.Violations.Report("LeaseExpiry",
                $"lease {lease} (TTL {renewed.TtlSeconds}s, last renewal invoked at {renewed.RenewedAtMs}ms) expired at {now}ms, " +
                $"{earliest - now}ms before its TTL ran in true time (allowance {allowance}ms)", node);
        }
    }

    private void CheckKeysGone(int node, long lease, KvStateMachine state)
    {
        if (state.Leases.Contains(lease)) return; // refused (unknown lease): nothing was removed
        var all = new RangeRequest { Key = ByteString.CopyFrom(0), RangeEnd = ByteString.CopyFrom(0) };
        KvResult result = state.Read(all);
        KeyValue? left = result.Range?.Kvs.FirstOrDefault(kv => kv.Lease == lease);
        if (left is not null)
        {
            _world.Violations.Report("LeaseExpiry",
                $"lease {lease} is gone on node {node} but key {left.Key.ToStringUtf8()} still carries it", node);
        }
    }
}
