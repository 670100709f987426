using Cairn.Core.Raft;
using Cairn.Core.Runtime;
using Cairn.Core.StateMachine;
using Cairn.Simulation.Engine;

namespace Cairn.Simulation.World;

/// <summary>One simulated server process: its disk and clock outlive crashes; its runtime does not.</summary>
public sealed class SimNode
{
    /// <summary>Creates the process slot for node <paramref name="id"/>.</summary>
    public SimNode(int id, SimDisk disk, SimClock clock)
    {
        Id = id;
        Disk = disk;
        Clock = clock;
    }

    /// <summary>Node id (1-based).</summary>
    public int Id { get; }
    /// <summary>The node's disk.</summary>
    public SimDisk Disk { get; }
    /// <summary>The node's clock.</summary>
    public SimClock Clock { get; }
    /// <summary>Bumped at every start; events of an older incarnation are discarded.</summary>
    public int Incarnation { get; private set; }
    /// <summary>The running runtime, or null while crashed.</summary>
    public NodeRuntime? Runtime { get; private set; }
    /// <summary>The running state machine, or null while crashed.</summary>
    public IStateMachine? StateMachine { get; private set; }
    /// <summary>True while the process runs.</summary>
    public bool Up => Runtime is not null && !Runtime.Stopped;
    /// <summary>When a paused process resumes; 0 when not paused.</summary>
    public long PausedUntil { get; set; }

    /// <summary>Starts a new incarnation from the disk.</summary>
    internal void Start(Func<NodeRuntime> createRuntime, IStateMachine stateMachine)
    {
        Incarnation++;
        StateMachine = stateMachine;
        Runtime = createRuntime();
    }

    /// <summary>Kills the process: volatile state and unsynced writes are gone.</summary>
    public void Crash()
    {
        Runtime = null;
        StateMachine = null;
        PausedUntil = 0;
        Disk.Crash();
    }

    /// <summary>The Raft core of the running process, or null.</summary>
    public RaftNode? Raft => Runtime?.Raft;
}
