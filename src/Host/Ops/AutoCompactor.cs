using Cairn.Core.Kv.Wire;
using Cairn.Host.Api;
using Cairn.Host.Config;
using Cairn.Host.Node;
using Grpc.Core;

namespace Cairn.Host.Ops;

/// <summary>
/// etcd's auto compaction, run by the leader: periodic mode samples the revision every tenth of the
/// retention (at most hourly) and compacts to the revision seen one retention ago; revision mode compacts
/// to (current - retention) every 5 minutes. The compaction goes through the log like a client's.
/// </summary>
internal sealed class AutoCompactor(NodeHost node, NodeCalls calls) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        AutoCompaction policy = AutoCompaction.Parse(node.Settings.Flags.AutoCompactionMode, node.Settings.Flags.AutoCompactionRetention);
        if (!policy.Enabled)
        {
            return;
        }
        TimeSpan step = policy.Periodic ? TimeSpan.FromTicks(Math.Min(policy.Period.Ticks / 10, TimeSpan.FromHours(1).Ticks)) : TimeSpan.FromMinutes(5);
        step = step < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : step;
        var samples = new Queue<long>();
        using var timer = new PeriodicTimer(step);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                long current = node.CurrentRevision;
                long target = policy.Periodic ? Sample(samples, current, policy.Period, step) : current - policy.Revisions;
                if (target > 1 && node.CurrentLeader == node.Settings.MemberId)
                {
                    await Compact(target).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private static long Sample(Queue<long> samples, long current, TimeSpan period, TimeSpan step)
    {
        samples.Enqueue(current);
        long needed = Math.Max(1, period.Ticks / step.Ticks) + 1;
        while (samples.Count > needed)
        {
            samples.Dequeue();
        }
        return samples.Count == needed ? samples.Peek() : 0;
    }

    private async Task Compact(long revision)
    {
        var request = new CompactionRequest { Revision = revision };
        try
        {
            await calls.Call(request, (kv, id) => kv.Compact(id, request), null).ConfigureAwait(false);
        }
        catch (RpcException)
        {
            // already compacted there, or no leader: next round
        }
    }
}
