using Cairn.Core.Kv.Wire;
using Cairn.Host.Api;
using Cairn.Host.Api.Wire;
using Cairn.Host.Node;

namespace Cairn.Host.Ops;

/// <summary>Every second: reports the data size (etcd_mvcc_db_total_size_in_bytes) and raises the NOSPACE
/// alarm once it passes --quota-backend-bytes (0 = etcd's default of 2 GiB).</summary>
internal sealed class QuotaWatcher(NodeHost node, AlarmTable alarms, HostMetrics metrics) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        long quota = node.Settings.Flags.QuotaBackendBytes > 0 ? node.Settings.Flags.QuotaBackendBytes : 2L * 1024 * 1024 * 1024;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                long size = node.DiskBytes;
                metrics.SetDbSize(size);
                if (size > quota && !alarms.NoSpace)
                {
                    alarms.Activate(node.Settings.MemberId, AlarmType.Nospace);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }
}
