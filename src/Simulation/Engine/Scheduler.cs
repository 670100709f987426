using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Cairn.Simulation.Engine;

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
    internal void After(long delayMs, SimEvent e)
    {
        Debug.Assert(delayMs >= 0, "events cannot be scheduled in the past");
        _queue.Enqueue(e, (Now + Math.Max(0, delayMs), _seq++));
    }

    /// <summary>Takes the next event if it is due no later than <paramref name="until"/>.</summary>
    internal bool TryNext(long until, [NotNullWhen(true)] out SimEvent? e)
    {
        if (_queue.TryPeek(out e, out var key) && key.Time <= until)
        {
            _queue.Dequeue();
            Now = key.Time;
            Processed++;
            return true;
        }
        e = null;
        return false;
    }

    /// <summary>Moves time forward to <paramref name="time"/> when nothing is due before it.</summary>
    public void AdvanceTo(long time)
    {
        if (time > Now) Now = time;
    }
}
