using Cairn.Core.Kv;
using Cairn.Core.Kv.Service;
using Cairn.Core.Kv.Wire;
using Cairn.Core.Raft;
using Cairn.Core.Runtime;
using Cairn.Simulation.Engine;
using Cairn.Simulation.World;

namespace Cairn.Simulation.Tests.Kv.Service;

/// <summary>
/// A scripted cluster of <see cref="KvNode"/>s for service tests: FIFO in-memory network with
/// per-node isolation, disks that sync when pumped, per-node clocks the test moves. No scheduler, no
/// randomness beyond Raft's seeded election timeouts.
/// </summary>
internal sealed class ServiceCluster : INetwork
{
    private readonly Queue<(ulong From, ulong To, byte[] Frame)> _wire = new();
    private readonly SortedSet<ulong> _isolated = new();
    private readonly Member[] _members;

    internal sealed class Member(ulong id) : IKvReplySink
    {
        public ulong Id { get; } = id;
        public SimDisk Disk { get; } = new(DiskFaults.None);
        public List<long> Unsynced { get; } = new();
        public KvNode? Kv { get; set; }
        public long ClockMs { get; set; }
        public int Incarnation { get; set; }
        public SortedDictionary<ulong, KvReply> Replies { get; } = new();
        public SortedDictionary<ulong, int> ReplyCounts { get; } = new();
        public List<WatchResponse> Watch { get; } = new();

        public void OnReply(KvReply reply)
        {
            Replies[reply.RequestId] = reply;
            ReplyCounts[reply.RequestId] = ReplyCounts.GetValueOrDefault(reply.RequestId) + 1;
        }

        public void OnWatchResponse(WatchResponse response) => Watch.Add(response);
    }

    public ServiceCluster(int size, KvServiceOptions? options = null, KvBugs? bugs = null, KvOptions? kvOptions = null)
    {
        Options = options;
        KvOptions = kvOptions;
        Bugs = bugs ?? KvBugs.None;
        _members = [.. Enumerable.Range(1, size).Select(i => new Member((ulong)i))];
        foreach (Member m in _members) Start(m);
    }

    public KvServiceOptions? Options { get; }

    /// <summary>The replicated KV limits of every member (null: the defaults).</summary>
    public KvOptions? KvOptions { get; }

    public KvBugs Bugs { get; }

    public Member this[ulong id] => _members[id - 1];

    public IEnumerable<Member> Members => _members;

    public Member Leader => _members.Single(m => m.Kv is not null && m.Kv.IsLeader && !_isolated.Contains(m.Id));

    /// <summary>When true every frame is delivered twice (the network duplicates).</summary>
    public bool DuplicateFrames { get; set; }

    public void Send(ulong from, ulong to, byte[] frame)
    {
        _wire.Enqueue((from, to, frame));
        if (DuplicateFrames) _wire.Enqueue((from, to, frame));
    }

    public void Isolate(ulong id) => _isolated.Add(id);

    public void Heal() => _isolated.Clear();

    public void Crash(ulong id)
    {
        Member m = this[id];
        m.Kv = null;
        m.Unsynced.Clear();
        m.Disk.Crash();
    }

    public void Restart(ulong id) => Start(this[id]);

    /// <summary>Delivers every message and completes every disk write until nothing moves.</summary>
    public void Pump()
    {
        for (int round = 0; round < 10_000; round++)
        {
            bool moved = false;
            while (_wire.TryDequeue(out var m))
            {
                moved = true;
                Member to = this[m.To];
                if (to.Kv is null || _isolated.Contains(m.From) || _isolated.Contains(m.To)) continue;
                to.Kv.Runtime.Receive(m.Frame);
                to.Kv.FlushWatches();
            }
            foreach (Member member in _members.Where(x => x.Kv is not null && x.Unsynced.Count > 0))
            {
                moved = true;
                List<long> writes = [.. member.Unsynced];
                member.Unsynced.Clear();
                foreach (long id in writes)
                {
                    member.Disk.CompleteThrough(id);
                    member.Kv!.Runtime.OnDiskWriteDurable(id);
                }
            }
            if (!moved) return;
        }
        throw new InvalidOperationException("cluster did not quiesce");
    }

    /// <summary>Advances every running node's clock by <paramref name="ms"/> in 100 ms ticks, pumping after each.</summary>
    public void Advance(long ms)
    {
        for (long t = 0; t < ms; t += 100)
        {
            foreach (Member m in _members.Where(x => x.Kv is not null))
            {
                m.ClockMs += 100;
                m.Kv!.Tick(m.ClockMs);
            }
            Pump();
        }
    }

    /// <summary>Ticks until exactly one reachable leader exists and has committed its no-op.</summary>
    public Member ElectLeader()
    {
        for (int i = 0; i < 200; i++)
        {
            Advance(100);
            var leaders = _members.Where(m => m.Kv is not null && m.Kv.IsLeader && !_isolated.Contains(m.Id)).ToList();
            if (leaders.Count == 1 && leaders[0].Kv!.Runtime.Raft.CommitIndex >= leaders[0].Kv!.Runtime.Raft.LastIndex)
            {
                return leaders[0];
            }
        }
        throw new InvalidOperationException("no leader elected");
    }

    private void Start(Member m)
    {
        m.Incarnation++;
        var options = new RaftOptions { Id = m.Id, Peers = [.. _members.Select(x => x.Id)] };
        var random = new SimRandom(m.Id * 7919 + (ulong)m.Incarnation);
        var stateMachine = new KvStateMachine(KvOptions, null, null, null, Bugs);
        m.Disk.OnSubmit = id => m.Unsynced.Add(id);
        var forward = new Forward();
        var runtime = new NodeRuntime(options, random, this, m.Disk, stateMachine, forward);
        var kv = new KvNode(runtime, stateMachine, m, Options, Bugs);
        forward.Target = kv;
        m.Kv = kv;
    }

    private sealed class Forward : IClientReplySink
    {
        public KvNode? Target { get; set; }

        public void OnReply(ClientReply reply) => Target?.OnReply(reply);
    }
}
