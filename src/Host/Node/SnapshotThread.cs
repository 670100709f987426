using Cairn.Core.Runtime;

namespace Cairn.Host.Node;

/// <summary>
/// Runs the node's snapshot jobs off its event loop, each on a background thread of its own (the runtime starts one at a
/// time), and hands the finished job back to the loop through <paramref name="done"/>.
/// </summary>
internal sealed class SnapshotThread(Action<SnapshotJob> done) : ISnapshotProducer
{
    public void Produce(SnapshotJob job)
    {
        var thread = new Thread(() =>
        {
            job.Run(); // failures are recorded in the job, never thrown
            done(job);
        })
        { IsBackground = true, Name = $"cairn-snapshot-{job.Id}", Priority = ThreadPriority.BelowNormal };
        thread.Start();
    }
}
