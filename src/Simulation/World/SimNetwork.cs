using Cairn.Core.Runtime;
using Cairn.Simulation.Engine;

namespace Cairn.Simulation.World;

/// <summary>
/// The simulated network: latency distribution, loss, duplication, reordering (through random delays),
/// corruption, symmetric and one-way partitions, and clogging of nodes or links.
/// </summary>
public sealed partial class SimNetwork : INetwork
{
    private readonly Scheduler _scheduler;
    private readonly SimRandom _random;
    private readonly bool[,] _blocked;
    private readonly long[] _nodeClogUntil;
    private readonly long[,] _linkClogUntil;
    private readonly int[,] _bandwidth;
    private readonly long[,] _linkBusyUntil;

    /// <summary>Creates a network for nodes 1..<paramref name="nodes"/>.</summary>
    public SimNetwork(Scheduler scheduler, SimRandom random, int nodes)
    {
        _scheduler = scheduler;
        _random = random;
        _blocked = new bool[nodes + 1, nodes + 1];
        _nodeClogUntil = new long[nodes + 1];
        _linkClogUntil = new long[nodes + 1, nodes + 1];
        _bandwidth = new int[nodes + 1, nodes + 1];
        _linkBusyUntil = new long[nodes + 1, nodes + 1];
    }

    /// <summary>Limits the link from → to to <paramref name="bytesPerMs"/> (0 = unlimited); frames queue behind each other.</summary>
    public void LimitBandwidth(int from, int to, int bytesPerMs) => _bandwidth[from, to] = bytesPerMs;

    /// <summary>Clears clogs and bandwidth limits on every link between nodes of <paramref name="nodes"/>.</summary>
    public void Unclog(IReadOnlyList<int> nodes)
    {
        foreach (var a in nodes)
        {
            _nodeClogUntil[a] = 0;
            foreach (var b in nodes) { _linkClogUntil[a, b] = 0; _bandwidth[a, b] = 0; }
        }
    }

    /// <summary>When set (<see cref="NetworkDelivery.Synchronous"/>), a frame that survives loss and partitions is
    /// handed to this callback inside <see cref="Send"/> instead of being scheduled after a latency.</summary>
    public Action<int, int, byte[]>? DeliverSynchronously { get; set; }

    /// <summary>Called for a frame lost because its link is cut (not for random loss, which a transport retries), so the
    /// world can tell the sender its peer is unreachable.</summary>
    public Action<int, int, byte[]>? Undeliverable { get; set; }

    /// <summary>The current rates.</summary>
    public NetworkProfile Profile { get; set; } = new();

    /// <summary>Frames sent, dropped, duplicated and corrupted so far.</summary>
    public long Sent, Dropped, Duplicated, Corrupted;

    /// <summary>Bytes of every frame nodes sent (before loss or duplication): the traffic figure's numerator.</summary>
    public long SentBytes;

    /// <summary>True when frames from <paramref name="from"/> to <paramref name="to"/> are cut.</summary>
    public bool IsBlocked(int from, int to) => _blocked[from, to];

    /// <summary>Cuts (or restores) the one-way link from → to.</summary>
    public void SetBlocked(int from, int to, bool blocked) => _blocked[from, to] = blocked;

    /// <summary>Restores every link and clears every clog.</summary>
    public void HealAll()
    {
        Array.Clear(_blocked);
        Array.Clear(_nodeClogUntil);
        Array.Clear(_linkClogUntil);
        Array.Clear(_bandwidth);
    }

    /// <summary>Delays every frame to or from <paramref name="node"/> until <paramref name="until"/>.</summary>
    public void ClogNode(int node, long until) => _nodeClogUntil[node] = Math.Max(_nodeClogUntil[node], until);

    /// <summary>Delays every frame on the link from → to until <paramref name="until"/>.</summary>
    public void ClogLink(int from, int to, long until) => _linkClogUntil[from, to] = Math.Max(_linkClogUntil[from, to], until);

    /// <inheritdoc />
    public void Send(ulong from, ulong to, byte[] frame)
    {
        Sent++;
        SentBytes += frame.Length;
        int f = (int)from, t = (int)to;
        if (_blocked[f, t]) { Dropped++; Undeliverable?.Invoke(f, t, frame); return; }
        if (_random.Chance(Profile.DropRate)) { Dropped++; return; }
        Schedule(f, t, frame);
        if (_random.Chance(Profile.DuplicateRate)) { Duplicated++; Schedule(f, t, frame); }
    }

    private void Schedule(int from, int to, byte[] frame)
    {
        if (_random.Chance(Profile.CorruptRate))
        {
            frame = Damage(frame, _random);
            Corrupted++;
        }
        if (DeliverSynchronously is { } deliver)
        {
            deliver(from, to, frame);
            return;
        }
        var delay = DrawLatency();
        var clog = Math.Max(Math.Max(_nodeClogUntil[from], _nodeClogUntil[to]), _linkClogUntil[from, to]);
        if (clog > _scheduler.Now) delay += clog - _scheduler.Now;
        var bandwidth = _bandwidth[from, to];
        if (bandwidth > 0)
        {
            // Transmission takes size/bandwidth and frames on one link go out one after another.
            var start = Math.Max(_scheduler.Now, _linkBusyUntil[from, to]);
            var transmit = Math.Max(1, frame.Length / bandwidth);
            _linkBusyUntil[from, to] = start + transmit;
            delay += start - _scheduler.Now + transmit;
        }
        _scheduler.After(delay, new DeliverEvent(from, to, frame));
    }

    private long DrawLatency()
    {
        var p = Profile;
        if (_random.Chance(p.TailRate)) return _random.Next(p.LatencyMaxMs, p.TailLatencyMs + 1);
        return _random.Next(p.LatencyMinMs, p.LatencyMaxMs + 1);
    }
}
