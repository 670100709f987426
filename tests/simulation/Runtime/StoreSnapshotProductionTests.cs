using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;
using Cairn.Core.StateMachine;
using Cairn.Simulation.Engine;
using Xunit;

namespace Cairn.Simulation.Tests.Runtime;

/// <summary>
/// Raft §7 over a durable store (issue 8): the compaction records no bytes (<c>in_store</c>), and a leader produces the
/// snapshot a lagging follower needs from a state pinned on its loop, written by a job that finishes later (off the
/// loop); the follower installs it and catches up, and the leader kept serving meanwhile.
/// </summary>
public class StoreSnapshotProductionTests
{
    [Fact]
    public void A_follower_behind_an_in_store_compaction_catches_up_from_a_snapshot_produced_off_the_loop()
    {
        var c = new Cluster();
        var leader = c.ElectLeader();
        c.Isolated = 3;
        for (byte i = 1; i <= 60; i++) { leader.Propose(i, [i]); c.Settle(); }
        Assert.True(leader.Raft.SnapshotIndex > 0, "the leader compacted its log");
        Assert.True(c.Disks[leader.Raft.Id].Snapshot!.InStore, "a durable store's compaction records no bytes");
        foreach (var early in c.Jobs) { early.Run(); leader.OnSnapshotProduced(early); } // asked for while it was still answering
        c.Jobs.Clear();
        for (var i = 0; i < 30; i++) c.Step();
        Assert.Empty(c.Jobs); // a follower silent for an election timeout gets no snapshot written for it

        c.Isolated = 0;
        for (var i = 0; i < 20 && c.Jobs.Count == 0; i++) c.Step();
        var job = Assert.Single(c.Jobs);
        leader = c.Leader!; // the returning follower may have forced an election (its term grew while cut off)
        leader.Propose(100, [100]); // the loop serves while the job runs
        c.Settle();
        job.Run();
        leader.OnSnapshotProduced(job);
        for (var i = 0; i < 50 && c.Nodes[3].Raft.AppliedIndex < leader.Raft.AppliedIndex; i++) c.Step();

        Assert.Equal(1, leader.SnapshotsProduced);
        Assert.Equal(1, c.Nodes[3].SnapshotsRestored);
        Assert.Equal(leader.Raft.AppliedIndex, c.Nodes[3].Raft.AppliedIndex);
        Assert.Equal(c.Machines[leader.Raft.Id].Sum, c.Machines[3].Sum);
    }

    [Fact]
    public void A_job_that_finishes_after_leadership_is_lost_is_dropped()
    {
        var c = new Cluster();
        var leader = c.ElectLeader();
        c.Isolated = 3;
        for (byte i = 1; i <= 60; i++) { leader.Propose(i, [i]); c.Settle(); }
        c.Isolated = 0;
        for (var i = 0; i < 20 && c.Jobs.Count == 0; i++) c.Step();
        var job = Assert.Single(c.Jobs);
        c.Isolated = leader.Raft.Id; // the others elect a new leader
        for (var i = 0; i < 300 && (c.Leader is null || c.Leader == leader); i++) c.Step();
        for (var i = 0; i < 300 && leader.Raft.Role == RaftRole.Leader; i++) { leader.Tick(); c.Settle(); }
        Assert.NotEqual(RaftRole.Leader, leader.Raft.Role);
        job.Run();
        leader.OnSnapshotProduced(job);
        Assert.Equal(1, leader.SnapshotsProduced); // written, but not offered: this node no longer leads
        Assert.False(leader.Raft.SnapshotWanted);
    }

    /// <summary>Three nodes over disks that remember their snapshot record, durable state machines, and a producer that
    /// keeps jobs for the test to run; frames to and from <see cref="Isolated"/> are dropped.</summary>
    private sealed class Cluster : INetwork, ISnapshotProducer
    {
        public Cluster()
        {
            ulong[] peers = [1, 2, 3];
            foreach (var id in peers)
            {
                var disk = new Disk();
                var machine = new SummingStore();
                var options = new RaftOptions { Id = id, Peers = peers, SnapshotEntriesThreshold = 20, SnapshotCatchUpEntries = 0 };
                var runtime = new NodeRuntime(options, new SimRandom(id * 17), this, disk, machine, new NullSink()) { SnapshotProducer = this };
                disk.Runtime = runtime;
                Nodes[id] = runtime;
                Machines[id] = machine;
                Disks[id] = disk;
            }
        }

        public SortedDictionary<ulong, NodeRuntime> Nodes { get; } = new();
        public SortedDictionary<ulong, SummingStore> Machines { get; } = new();
        public SortedDictionary<ulong, Disk> Disks { get; } = new();
        public List<SnapshotJob> Jobs { get; } = new();
        public ulong Isolated { get; set; }
        private readonly Queue<(ulong From, ulong To, byte[] Frame)> _inFlight = new();

        public void Produce(SnapshotJob job) => Jobs.Add(job);
        public void Send(ulong from, ulong to, byte[] frame) => _inFlight.Enqueue((from, to, frame));
        public NodeRuntime? Leader => Nodes.Values.FirstOrDefault(n => n.Raft.Role == RaftRole.Leader);

        public void Step()
        {
            foreach (var node in Nodes.Values) node.Tick();
            Settle();
        }

        public void Settle()
        {
            for (var rounds = 0; rounds < 100_000; rounds++)
            {
                if (!_inFlight.TryDequeue(out var f)) return;
                if (f.From != Isolated && f.To != Isolated) Nodes[f.To].Receive(f.Frame);
            }
            throw new InvalidOperationException("cluster did not settle");
        }

        public NodeRuntime ElectLeader()
        {
            for (var i = 0; i < 300 && Leader is null; i++) Step();
            return Leader ?? throw new InvalidOperationException("no leader elected");
        }
    }

    /// <summary>A disk whose writes are durable inside Submit; it keeps the last snapshot record it stored.</summary>
    private sealed class Disk : ILogDisk
    {
        public NodeRuntime? Runtime { get; set; }
        public SnapshotRecord? Snapshot { get; private set; }
        public DurableState Load() => new(null, Array.Empty<Entry>());
        public bool OutOfSpace => false;

        public void Submit(DiskWrite write)
        {
            if (write.Snapshot is { } s) Snapshot = s;
            Runtime!.OnDiskWriteDurable(write.Id);
        }
    }

    /// <summary>A durable store whose state is the sum of the command bytes applied.</summary>
    internal sealed class SummingStore : IStateMachine
    {
        public ulong AppliedIndex { get; private set; }
        public long Sum { get; private set; }
        public bool HasDurableStore => true;
        public ulong DurableAppliedIndex => AppliedIndex;

        public byte[] Apply(ulong index, ReadOnlySpan<byte> command)
        {
            foreach (var b in command) Sum += b;
            AppliedIndex = index;
            return [];
        }

        public byte[] TakeSnapshot() => [.. BitConverter.GetBytes(AppliedIndex), .. BitConverter.GetBytes(Sum)];

        public void RestoreSnapshot(ReadOnlySpan<byte> snapshot)
        {
            AppliedIndex = BitConverter.ToUInt64(snapshot);
            Sum = BitConverter.ToInt64(snapshot[8..]);
        }
    }

    private sealed class NullSink : IClientReplySink
    {
        public void OnReply(ClientReply reply) { }
    }
}
