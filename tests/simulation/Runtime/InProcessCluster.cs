using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;
using Cairn.Core.StateMachine;
using Cairn.Simulation.Engine;

namespace Cairn.Simulation.Tests.Runtime;

/// <summary>
/// A host-shaped cluster in one process, with the two seam behaviours an ordinary host may well have:
/// a disk that completes its sync inside <see cref="ILogDisk.Submit"/> and a network that delivers inside
/// <see cref="INetwork.Send"/>. Both re-enter a <see cref="NodeRuntime"/> from inside its own output handlers.
/// </summary>
internal sealed class InProcessCluster : INetwork
{
    public InProcessCluster(int size, bool synchronousDisk, bool synchronousNetwork, RaftBugs? bugs = null)
    {
        SynchronousNetwork = synchronousNetwork;
        var peers = Enumerable.Range(1, size).Select(i => (ulong)i).ToArray();
        foreach (var id in peers)
        {
            var disk = new InlineDisk(synchronousDisk);
            var machine = new CountingStateMachine();
            var options = new RaftOptions { Id = id, Peers = peers };
            var runtime = new NodeRuntime(options, new SimRandom(id * 31), this, disk, machine, new NullSink(), null, bugs ?? RaftBugs.None);
            disk.Runtime = runtime;
            Nodes[id] = runtime;
            Machines[id] = machine;
            Disks[id] = disk;
        }
    }

    public bool SynchronousNetwork { get; }
    public SortedDictionary<ulong, NodeRuntime> Nodes { get; } = new();
    public SortedDictionary<ulong, CountingStateMachine> Machines { get; } = new();
    public SortedDictionary<ulong, InlineDisk> Disks { get; } = new();
    private readonly Queue<(ulong To, byte[] Frame)> _inFlight = new();

    public void Send(ulong from, ulong to, byte[] frame)
    {
        if (SynchronousNetwork) Nodes[to].Receive(frame);
        else _inFlight.Enqueue((to, frame));
    }

    /// <summary>One round: every node ticks, queued frames and syncs are delivered.</summary>
    public void Step()
    {
        foreach (var node in Nodes.Values) node.Tick();
        Settle();
    }

    /// <summary>Delivers queued frames and completes queued syncs until nothing is left.</summary>
    public void Settle()
    {
        for (var rounds = 0; rounds < 100_000; rounds++)
        {
            var busy = false;
            foreach (var disk in Disks.Values) busy |= disk.CompleteQueued();
            if (_inFlight.TryDequeue(out var frame)) { Nodes[frame.To].Receive(frame.Frame); busy = true; }
            if (!busy) return;
        }
        throw new InvalidOperationException("cluster did not settle");
    }

    public NodeRuntime? Leader => Nodes.Values.FirstOrDefault(n => n.Raft.Role == RaftRole.Leader);

    public NodeRuntime ElectLeader()
    {
        for (var i = 0; i < 200 && Leader is null; i++) Step();
        return Leader ?? throw new InvalidOperationException("no leader elected");
    }

    /// <summary>A disk that completes every sync inside Submit (or queues it when not synchronous).</summary>
    internal sealed class InlineDisk(bool synchronous) : ILogDisk
    {
        private readonly Queue<long> _queued = new();
        public NodeRuntime? Runtime { get; set; }
        public DurableState Load() => new(null, Array.Empty<Entry>());
        public bool OutOfSpace => false;

        /// <summary>Writes submitted so far.</summary>
        public int Submitted { get; private set; }

        public void Submit(DiskWrite write)
        {
            Submitted++;
            if (synchronous && Runtime is not null) Runtime.OnDiskWriteDurable(write.Id);
            else _queued.Enqueue(write.Id);
        }

        /// <summary>Takes the oldest queued write id without reporting it (the test reports it its own way).</summary>
        public long? CompleteQueuedId() => _queued.TryDequeue(out var id) ? id : null;

        public bool CompleteQueued()
        {
            if (Runtime is null || !_queued.TryDequeue(out var id)) return false;
            Runtime.OnDiskWriteDurable(id);
            return true;
        }
    }

    /// <summary>Counts applied commands and remembers the last index, like any state machine would.</summary>
    internal sealed class CountingStateMachine : IStateMachine
    {
        public ulong AppliedIndex { get; private set; }
        public int Applies { get; private set; }
        public byte[] Apply(ulong index, ReadOnlySpan<byte> command)
        {
            Applies++;
            AppliedIndex = index;
            return Array.Empty<byte>();
        }
        public byte[] TakeSnapshot() => BitConverter.GetBytes(AppliedIndex);
        public void RestoreSnapshot(ReadOnlySpan<byte> snapshot) => AppliedIndex = BitConverter.ToUInt64(snapshot);
    }

    private sealed class NullSink : IClientReplySink
    {
        public void OnReply(ClientReply reply) { }
    }
}
