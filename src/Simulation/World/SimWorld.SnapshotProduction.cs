using Cairn.Core.Runtime;

namespace Cairn.Simulation.World;

public sealed partial class SimWorld
{
    /// <summary>Snapshots leaders produced from their durable store and handed back to a running incarnation.</summary>
    public long SnapshotsProduced { get; private set; }

    /// <summary>
    /// A node's snapshot jobs off its event loop, as the simulator models them: the job's file is written at once (the
    /// pinned state is read while nothing else runs, so the result is deterministic), and its completion reaches the
    /// node after the time a disk at <see cref="SnapshotWriteBytesPerMs"/> takes to write it, while the node goes on
    /// serving. A crash in between loses the completion; the committed file is garbage the next retention removes.
    /// </summary>
    private sealed class SnapshotProduction(SimWorld world, SimNode node) : ISnapshotProducer
    {
        private readonly int _incarnation = node.Incarnation; // made while the new incarnation starts

        public void Produce(SnapshotJob job)
        {
            job.Run();
            var latency = 1 + job.Length / SnapshotWriteBytesPerMs;
            world.Scheduler.After(latency, new SnapshotProducedEvent(node.Id, _incarnation, job));
        }
    }
}
