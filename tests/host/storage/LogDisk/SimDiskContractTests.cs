using Cairn.Core.Runtime;
using Cairn.Simulation.Engine;
using Cairn.Simulation.World;

namespace Cairn.Host.Storage.Tests.LogDisk;

/// <summary>The storage contract against the simulator's disk: completions come from <see cref="SimDisk.CompleteThrough"/>.</summary>
public sealed class SimDiskContractTests : LogDiskContract
{
    private readonly SimDisk _disk = new(DiskFaults.None);
    private readonly List<long> _durable = new();
    private readonly List<long> _submitted = new();

    public SimDiskContractTests() => _disk.OnSubmit = _submitted.Add;

    protected override ILogDisk Disk => _disk;

    protected override IReadOnlyList<long> DurableIds => _durable;

    protected override void AwaitDurable(long id)
    {
        _disk.CompleteThrough(id);
        _durable.AddRange(_submitted.Where(s => s <= id && (_durable.Count == 0 || s > _durable[^1])));
    }

    protected override void Restart() => _disk.Crash();

    protected override void WriteCorrupted(DiskWrite write)
    {
        var faults = _disk.Faults;
        _disk.Faults = new DiskFaults { Random = new SimRandom(1), WriteFlipRate = 1.0 };
        _disk.Submit(write);
        AwaitDurable(write.Id);
        _disk.Faults = faults;
    }

    public override void Dispose()
    {
    }
}
