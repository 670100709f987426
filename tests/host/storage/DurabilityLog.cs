namespace Cairn.Host.Storage.Tests;

/// <summary>Collects a log disk's completions (reported on its writer thread) and lets a test wait for them.</summary>
public sealed class DurabilityLog
{
    /// <summary>Longest wait for a completion before the test fails (a hang, not a timing assertion).</summary>
    public const int AwaitMsMax = 60_000;

    private readonly object _gate = new();
    private readonly List<long> _ids = new();
    private string? _failure;

    public IReadOnlyList<long> Ids
    {
        get
        {
            lock (_gate) return _ids.ToArray();
        }
    }

    public void Durable(long id)
    {
        lock (_gate)
        {
            _ids.Add(id);
            Monitor.PulseAll(_gate);
        }
    }

    public void Failed(long id, string reason)
    {
        lock (_gate)
        {
            _failure ??= $"write {id} failed: {reason}";
            Monitor.PulseAll(_gate);
        }
    }

    public void AwaitThrough(long id)
    {
        lock (_gate)
        {
            while (!(_ids.Count > 0 && _ids[^1] >= id))
            {
                if (_failure is not null) throw new InvalidOperationException(_failure);
                if (!Monitor.Wait(_gate, AwaitMsMax)) throw new TimeoutException($"write {id} was never reported durable");
            }
        }
    }
}
