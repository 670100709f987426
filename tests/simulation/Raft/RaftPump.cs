using Cairn.Core.Determinism;
using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;

namespace Cairn.Simulation.Tests.Raft;

/// <summary>Always the shortest election timeout, so only the node a test ticks ever campaigns.</summary>
internal sealed class FixedRandom : IRandomSource
{
    public int Next(int minInclusive, int maxExclusive) => minInclusive;
}

/// <summary>What one node's disk holds: the hard state and the log, written by the Ready contract.</summary>
internal sealed class PumpDisk
{
    public HardState HardState { get; set; } = new();
    /// <summary>Entries after <see cref="Snapshot"/> (from index 1 without one).</summary>
    public List<Entry> Log { get; } = new();
    /// <summary>The durable snapshot (Raft §7), or null.</summary>
    public SnapshotRecord? Snapshot { get; set; }
    public ulong Base => Snapshot?.Index ?? 0;
}

/// <summary>
/// A hand-cranked cluster for scenario tests: the test ticks nodes, the pump carries out each Ready
/// (persist, then send the after-persist messages, then <see cref="RaftNode.OnPersisted"/>), and messages
/// sit in <see cref="Network"/> until delivered in order. Nodes in <see cref="ManualSync"/> keep their
/// writes unsynced until <see cref="Sync"/>, modelling a slow disk.
/// </summary>
internal sealed class RaftPump
{
    private const int DeliveriesMax = 20_000;

    private readonly Func<ulong, RaftOptions> _options;
    private readonly RaftBugs _bugs;
    private readonly Dictionary<ulong, Queue<(ulong Index, ulong Term, List<Message> After, ulong Snapshot, ulong HardStateTerm)>> _unsynced = new();

    public RaftPump(int size, Func<RaftOptions, RaftOptions>? configure = null, RaftBugs? bugs = null,
        IReadOnlyDictionary<ulong, (HardState HardState, ulong[] Terms)>? recovered = null)
    {
        var peers = Enumerable.Range(1, size).Select(i => (ulong)i).ToArray();
        _options = id => (configure ?? (o => o))(new RaftOptions { Id = id, Peers = peers });
        _bugs = bugs ?? RaftBugs.None;
        foreach (var id in peers)
        {
            var disk = new PumpDisk();
            if (recovered is not null && recovered.TryGetValue(id, out var state))
            {
                disk.HardState = state.HardState.Clone();
                disk.Log.AddRange(state.Terms.Select((t, i) => new Entry { Index = (ulong)i + 1, Term = t }));
            }
            Disks[id] = disk;
            Applied[id] = new List<Entry>();
            ReadStates[id] = new List<ReadState>();
            FailedReads[id] = new List<ulong>();
            Forwarded[id] = new List<ForwardedRequest>();
            ForwardAnswers[id] = new List<ForwardResponse>();
            _unsynced[id] = new();
            Nodes[id] = Boot(id);
        }
    }

    public Dictionary<ulong, RaftNode> Nodes { get; } = new();
    public Dictionary<ulong, PumpDisk> Disks { get; } = new();
    public Dictionary<ulong, List<Entry>> Applied { get; } = new();
    public Dictionary<ulong, List<ReadState>> ReadStates { get; } = new();
    /// <summary>Reads each node gave up on (<see cref="Ready.FailedReads"/>).</summary>
    public Dictionary<ulong, List<ulong>> FailedReads { get; } = new();
    /// <summary>Requests followers forwarded to each node as leader (<see cref="Ready.ForwardedRequests"/>).</summary>
    public Dictionary<ulong, List<ForwardedRequest>> Forwarded { get; } = new();
    /// <summary>Answers and failures of each node's forwarded requests (<see cref="Ready.ForwardResponses"/>).</summary>
    public Dictionary<ulong, List<ForwardResponse>> ForwardAnswers { get; } = new();
    /// <summary>Messages in flight, delivered first in, first out.</summary>
    public List<Message> Network { get; } = new();
    /// <summary>Every message any node sent, for assertions on what went over the wire.</summary>
    public List<Message> Sent { get; } = new();
    /// <summary>Crashed or cut-off nodes: messages to or from them are lost.</summary>
    public HashSet<ulong> Down { get; } = new();
    /// <summary>Loses a message when true (evaluated at delivery time).</summary>
    public Func<Message, bool>? Drop { get; set; }
    public HashSet<ulong> ManualSync { get; } = new();
    /// <summary>Every (term, node) seen in the leader role, to check Election Safety (§5.2).</summary>
    public HashSet<(ulong Term, ulong Id)> Leaders { get; } = new();

    public RaftNode this[ulong id] => Nodes[id];

    public IEnumerable<ulong> LeadersOf(ulong term) => Leaders.Where(l => l.Term == term).Select(l => l.Id);

    private RaftNode Boot(ulong id)
    {
        var disk = Disks[id];
        return new RaftNode(_options(id), new FixedRandom(), disk.HardState.Clone(), disk.Log.ToList(), _bugs, disk.Snapshot);
    }

    /// <summary>A crash and restart: everything in memory is lost, the node comes back from its disk.</summary>
    public void Restart(ulong id)
    {
        _unsynced[id].Clear();
        Nodes[id] = Boot(id);
    }

    public void Tick(ulong id)
    {
        Nodes[id].Tick();
        Flush(id);
    }

    /// <summary>Ticks <paramref name="id"/> until its election timeout fires.</summary>
    public void Campaign(ulong id)
    {
        var term = Nodes[id].Term;
        for (var i = 0; i < 4 * Options(id).ElectionTicks && Nodes[id].Term == term; i++) Tick(id);
    }

    /// <summary>Campaigns and delivers until <paramref name="id"/> leads or <paramref name="attemptsMax"/> elections fail.</summary>
    public void Elect(ulong id, int attemptsMax = 3)
    {
        for (var i = 0; i < attemptsMax && Nodes[id].Role != RaftRole.Leader; i++)
        {
            Campaign(id);
            Stabilize();
        }
    }

    public RaftOptions Options(ulong id) => _options(id);

    /// <summary>Carries out every pending Ready of <paramref name="id"/>.</summary>
    public void Flush(ulong id)
    {
        var node = Nodes[id];
        while (node.HasReady)
        {
            var ready = node.TakeReady();
            foreach (var m in ready.MessagesNow) Send(m);
            Persist(id, ready);
            Applied[id].AddRange(ready.CommittedEntries);
            ReadStates[id].AddRange(ready.ReadStates);
            FailedReads[id].AddRange(ready.FailedReads);
            Forwarded[id].AddRange(ready.ForwardedRequests);
            ForwardAnswers[id].AddRange(ready.ForwardResponses);
            RecordLeader(id);
        }
    }

    private void Persist(ulong id, Ready ready)
    {
        var disk = Disks[id];
        if (ready.HardState is not null) disk.HardState = ready.HardState.Clone();
        if (ready.Snapshot is not null)
        {
            // Installs replace the whole log; the retained suffix comes back in ready.Entries.
            disk.Log.Clear();
            disk.Snapshot = ready.Snapshot.Clone();
        }
        if (ready.Entries.Count > 0)
        {
            var first = (int)(ready.Entries[0].Index - disk.Base) - 1;
            disk.Log.RemoveRange(first, disk.Log.Count - first);
            disk.Log.AddRange(ready.Entries.Select(e => e.Clone()));
        }
        var last = ready.Entries.Count > 0 ? ready.Entries[^1] : null;
        var pending = _unsynced[id];
        if (ManualSync.Contains(id))
        {
            if (ready.MustPersist || pending.Count == 0) pending.Enqueue((last?.Index ?? 0, last?.Term ?? 0, new List<Message>(), ready.Snapshot?.Index ?? 0, ready.HardState?.Term ?? 0));
            pending.Last().After.AddRange(ready.MessagesAfterPersist);
            return;
        }
        if (ready.Snapshot is not null) Restore(id, ready.Snapshot.Index);
        foreach (var m in ready.MessagesAfterPersist) Send(m);
        if (ready.HardState is not null) Nodes[id].OnHardStatePersisted(ready.HardState.Term);
        if (last is not null) Nodes[id].OnPersisted(last.Index, last.Term);
    }

    /// <summary>The disk of <paramref name="id"/> reports every outstanding write durable.</summary>
    public void Sync(ulong id)
    {
        var pending = _unsynced[id];
        while (pending.Count > 0)
        {
            var write = pending.Dequeue();
            if (write.Snapshot > 0) Restore(id, write.Snapshot);
            foreach (var m in write.After) Send(m);
            if (write.HardStateTerm > 0) Nodes[id].OnHardStatePersisted(write.HardStateTerm);
            if (write.Index > 0) Nodes[id].OnPersisted(write.Index, write.Term);
        }
        Flush(id);
    }

    /// <summary>Snapshots each node restored its (absent) state machine from, by index.</summary>
    public Dictionary<ulong, List<ulong>> Restored { get; } = new();

    private void Restore(ulong id, ulong index)
    {
        if (!Restored.TryGetValue(id, out var list)) Restored[id] = list = new List<ulong>();
        list.Add(index);
        Nodes[id].OnSnapshotPersisted(index);
    }

    /// <summary>
    /// Raft §7 compaction as the runtime does it: a snapshot at <paramref name="index"/> (its data names the
    /// index) is made durable, the disk drops the entries it covers, then the node compacts its log.
    /// </summary>
    public void Compact(ulong id, ulong index)
    {
        var node = Nodes[id];
        var disk = Disks[id];
        var data = System.Text.Encoding.UTF8.GetBytes($"state-machine@{index};" + new string('x', 40));
        disk.Log.RemoveRange(0, (int)(index - disk.Base));
        disk.Snapshot = new SnapshotRecord { Index = index, Term = node.TermAt(index), Data = Google.Protobuf.ByteString.CopyFrom(data) };
        node.Compact(disk.Snapshot);
        Flush(id);
    }

    private void Send(Message m)
    {
        Sent.Add(m);
        Network.Add(m);
    }

    private void RecordLeader(ulong id)
    {
        var node = Nodes[id];
        if (node.Role == RaftRole.Leader) Leaders.Add((node.Term, id));
    }

    /// <summary>Delivers the oldest message in flight; returns false when none is left.</summary>
    public bool DeliverOne()
    {
        if (Network.Count == 0) return false;
        var m = Network[0];
        Network.RemoveAt(0);
        if (Down.Contains(m.From) || Down.Contains(m.To) || (Drop?.Invoke(m) ?? false)) return true;
        Nodes[m.To].Step(m);
        RecordLeader(m.To);
        Flush(m.To);
        return true;
    }

    /// <summary>Flushes every node and delivers until the network is quiet.</summary>
    public void Stabilize()
    {
        foreach (var id in Nodes.Keys) Flush(id);
        for (var i = 0; DeliverOne(); i++)
            if (i >= DeliveriesMax) throw new InvalidOperationException($"network did not quiesce within {DeliveriesMax} deliveries");
    }

    /// <summary>One leader heartbeat round, delivered.</summary>
    public void Heartbeat(ulong leader)
    {
        for (var i = 0; i < Options(leader).HeartbeatTicks; i++) Tick(leader);
        Stabilize();
    }

    public ulong[] TermsOf(ulong id) =>
        Enumerable.Range(1, (int)Nodes[id].LastIndex).Select(i => Nodes[id].TermAt((ulong)i)).ToArray();
}
