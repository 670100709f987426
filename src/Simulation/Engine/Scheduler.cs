using System.Diagnostics;

namespace Cairn.Simulation.Engine;

/// <summary>The kinds of event the world processes.</summary>
public enum EventKind : byte
{
    /// <summary>A node's tick timer fires.</summary>
    Tick,
    /// <summary>A frame arrives at a node.</summary>
    Deliver,
    /// <summary>A disk write becomes durable (or fails).</summary>
    DiskDone,
    /// <summary>A client request reaches a node.</summary>
    ClientRequest,
    /// <summary>A client's reply or timeout.</summary>
    ClientWake,
    /// <summary>The nemesis acts.</summary>
    Nemesis,
    /// <summary>A crashed node restarts.</summary>
    Restart,
    /// <summary>A paused node resumes.</summary>
    Resume,
    /// <summary>A phase boundary (heal, liveness deadline).</summary>
    Phase,
}

/// <summary>One scheduled event. <see cref="Incarnation"/> lets events of a crashed process be discarded.</summary>
public readonly record struct SimEvent(EventKind Kind, int Node, int Incarnation, long A, long B, object? Payload);

/// <summary>Single-threaded discrete-event scheduler on simulated time; ties break by insertion order.</summary>
public sealed class Scheduler
{
    private readonly PriorityQueue<SimEvent, (long Time, long Seq)> _queue = new();
    private long _seq;

    /// <summary>Simulated milliseconds.</summary>
    public long Now { get; private set; }

    /// <summary>Events processed so far.</summary>
    public long Processed { get; private set; }

    /// <summary>Events waiting.</summary>
    public int Pending => _queue.Count;

    /// <summary>Schedules <paramref name="e"/> after <paramref name="delayMs"/> (≥ 0).</summary>
    public void After(long delayMs, in SimEvent e)
    {
        Debug.Assert(delayMs >= 0, "events cannot be scheduled in the past");
        _queue.Enqueue(e, (Now + Math.Max(0, delayMs), _seq++));
    }

    /// <summary>Takes the next event if it is due no later than <paramref name="until"/>.</summary>
    public bool TryNext(long until, out SimEvent e)
    {
        if (_queue.TryPeek(out e, out var key) && key.Time <= until)
        {
            _queue.Dequeue();
            Now = key.Time;
            Processed++;
            return true;
        }
        e = default;
        return false;
    }

    /// <summary>Moves time forward to <paramref name="time"/> when nothing is due before it.</summary>
    public void AdvanceTo(long time)
    {
        if (time > Now) Now = time;
    }
}
