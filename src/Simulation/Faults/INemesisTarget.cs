using Cairn.Simulation.World;

namespace Cairn.Simulation.Faults;

/// <summary>What the nemesis may do to the world: crash, partition, clog, limit, pause, skew clocks and break
/// disks, and nothing else. Each operation also marks the fault on the run's timeline.</summary>
internal interface INemesisTarget
{
    /// <summary>Cluster size; node ids run from 1 to this.</summary>
    int NodeCount { get; }

    /// <summary>True after the final heal; the nemesis stops then.</summary>
    bool Healed { get; }

    /// <summary>Kills node <paramref name="id"/> and restarts it after <paramref name="restartAfterMs"/>.</summary>
    void CrashNode(int id, long restartAfterMs);

    /// <summary>Pauses node <paramref name="id"/> (a GC pause or SIGSTOP) for <paramref name="ms"/>.</summary>
    void PauseNode(int id, long ms);

    /// <summary>Cuts the given one-way links for <paramref name="ms"/>; <paramref name="shape"/> names the cut.</summary>
    void Partition(List<(int From, int To)> links, long ms, string shape);

    /// <summary>Holds back frames from <paramref name="node"/> (to <paramref name="peer"/> only, unless null) for <paramref name="ms"/>.</summary>
    void Clog(int node, int? peer, long ms);

    /// <summary>Limits the link from → to for <paramref name="ms"/>.</summary>
    void LimitBandwidth(int from, int to, int bytesPerMs, long ms);

    /// <summary>Arms node <paramref name="id"/>'s disk so that its next fsync fails.</summary>
    void FailNextSync(int id);

    /// <summary>Fills node <paramref name="id"/>'s disk for <paramref name="ms"/>.</summary>
    void FillDisk(int id, long ms);

    /// <summary>Node <paramref name="id"/>'s clock, for the nemesis to skew, drift or jump; then call <see cref="ClockChanged"/>.</summary>
    SimClock ClockOf(int id);

    /// <summary>Records that node <paramref name="id"/>'s clock was just changed.</summary>
    void ClockChanged(int id);

    /// <summary>The id of the leader, if one is up and not paused.</summary>
    int? ActiveLeader();

    /// <summary>Asks leader <paramref name="from"/> to hand leadership to <paramref name="to"/>; false when it refuses.</summary>
    bool TransferLeadership(int from, int to);

    /// <summary>Schedules the nemesis' next action after <paramref name="delayMs"/>.</summary>
    void ActAfter(long delayMs);
}
