using System.Collections.Concurrent;
using System.Diagnostics;
using Cairn.Core.Runtime;

namespace Cairn.Host.Disk;

/// <summary>Measures each log write from submit to durable (etcd_disk_wal_fsync_duration_seconds) around
/// the real log disk; the completions themselves are passed through unchanged.</summary>
internal sealed class TimedLogDisk(Action<double> observe)
{
    private readonly ConcurrentDictionary<long, long> _submitted = new();

    public ILogDisk? Inner { get; set; }

    public ILogDisk Wrap(ILogDisk inner)
    {
        Inner = inner;
        return new Timed(this);
    }

    public void Durable(long id)
    {
        if (_submitted.TryRemove(id, out long start))
        {
            observe(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
    }

    private sealed class Timed(TimedLogDisk owner) : ILogDisk
    {
        public bool OutOfSpace => owner.Inner!.OutOfSpace;

        public ISnapshotStore? Snapshots => owner.Inner!.Snapshots;

        public DurableState Load() => owner.Inner!.Load();

        public void Submit(DiskWrite write)
        {
            owner._submitted[write.Id] = Stopwatch.GetTimestamp();
            owner.Inner!.Submit(write);
        }
    }
}
