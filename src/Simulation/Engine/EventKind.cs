namespace Cairn.Simulation.Engine;

/// <summary>
/// The kinds of event the world processes. The numeric values feed the trace hash (<see cref="SimEvent.Kind"/>),
/// so they are fixed: renumbering one changes every recorded seed's hash.
/// </summary>
public enum EventKind : byte
{
    /// <summary>A node's tick timer fires.</summary>
    Tick = 0,
    /// <summary>A frame arrives at a node.</summary>
    Deliver = 1,
    /// <summary>A disk write becomes durable (or fails).</summary>
    DiskDone = 2,
    /// <summary>A client request reaches a node.</summary>
    ClientRequest = 3,
    /// <summary>A client's reply or timeout.</summary>
    ClientWake = 4,
    /// <summary>The nemesis acts.</summary>
    Nemesis = 5,
    /// <summary>A crashed node restarts.</summary>
    Restart = 6,
    /// <summary>A phase boundary (heal, the end of a timed fault, a fault point's quick crash).</summary>
    Phase = 8,
    /// <summary>The transport tells a node that a peer was unreachable (and that a snapshot chunk to it was lost).</summary>
    Report = 9,
    /// <summary>A snapshot a leader produced from its store off its event loop is written.</summary>
    SnapshotProduced = 10,
}
