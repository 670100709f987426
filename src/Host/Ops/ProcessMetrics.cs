using System.Diagnostics;
using Prometheus;

namespace Cairn.Host.Ops;

/// <summary>The Go process collector's Linux gauges that prometheus-net does not export
/// (<c>process_resident_memory_bytes</c>, <c>process_open_fds</c>, <c>process_max_fds</c>), sampled at each
/// scrape. <c>etcdctl check datascale</c> reads <c>process_resident_memory_bytes</c> from <c>/metrics</c>.</summary>
internal static class ProcessMetrics
{
    private const string FdDirectory = "/proc/self/fd";
    private const string LimitsFile = "/proc/self/limits";

    public static void Register(CollectorRegistry registry)
    {
        Gauge resident = Metrics.WithCustomRegistry(registry)
            .CreateGauge("process_resident_memory_bytes", "Resident memory size in bytes.");
        Gauge openFds = Metrics.WithCustomRegistry(registry)
            .CreateGauge("process_open_fds", "Number of open file descriptors.");
        Gauge maxFds = Metrics.WithCustomRegistry(registry)
            .CreateGauge("process_max_fds", "Maximum number of open file descriptors.");
        registry.AddBeforeCollectCallback(() =>
        {
            using Process self = Process.GetCurrentProcess();
            resident.Set(self.WorkingSet64);
            if (Directory.Exists(FdDirectory)) openFds.Set(Directory.EnumerateFileSystemEntries(FdDirectory).Count());
            if (MaxOpenFiles() is { } max) maxFds.Set(max);
        });
    }

    /// <summary>The soft limit of "Max open files" in /proc/self/limits, or null where there is none.</summary>
    private static double? MaxOpenFiles()
    {
        if (!File.Exists(LimitsFile)) return null;
        foreach (string line in File.ReadLines(LimitsFile))
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal)) continue;
            string[] fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 0 && double.TryParse(fields[0], out double soft) ? soft : null;
        }
        return null;
    }
}
