namespace Cairn.Core.Kv.Service;

/// <summary>Limits and time handling of one <see cref="KvNode"/> (local to the node, not replicated).</summary>
public sealed record KvServiceOptions
{
    /// <summary>The default options.</summary>
    public static readonly KvServiceOptions Default = new();

    /// <summary>Most requests (linearizable ranges, lease keep-alives and time-to-live queries) waiting at
    /// once for a ReadIndex confirmation; beyond it a request is refused with
    /// <see cref="KvReplyStatus.Rejected"/>. Default 8192.</summary>
    public int PendingReadsMax { get; init; } = 8192;

    /// <summary>Most watch responses handed to the sink by one <see cref="KvNode.FlushWatches"/>. Default 1024.</summary>
    public int WatchFlushMax { get; init; } = 1024;

    /// <summary>
    /// The most lease time one <see cref="KvNode.Tick"/> may add, in ms. The lessor measures time only as
    /// positive differences of the local clock; capping each step too means a forward clock jump (or a
    /// long process pause) makes leases live longer, never expire early. The cap also bounds how much lease
    /// time a forward jump can add at all, so keep it near the tick period. Default 200 ms (two 100 ms ticks).
    /// </summary>
    public long LessorStepMaxMs { get; init; } = 200;

    /// <summary>Most lease_expire commands the leader proposes per tick; the rest are reported again by
    /// the lessor later. Default 64.</summary>
    public int ExpireProposalsPerTickMax { get; init; } = 64;

    /// <summary>Throws <see cref="ArgumentException"/> when a limit is not positive.</summary>
    public void Validate()
    {
        if (PendingReadsMax < 1 || WatchFlushMax < 1 || LessorStepMaxMs < 1 || ExpireProposalsPerTickMax < 1)
        {
            throw new ArgumentException("every KvServiceOptions limit must be positive");
        }
    }
}
