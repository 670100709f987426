using System.Diagnostics;
using Cairn.Core.Runtime;
using Microsoft.Extensions.Logging;

namespace Cairn.Host.Node;

/// <summary>
/// Runs the node's snapshot jobs off its event loop, each on a background thread of its own (the runtime starts one at a
/// time), logs how each went, and hands the finished job back to the loop through <paramref name="done"/>.
/// </summary>
internal sealed partial class SnapshotThread(ILogger log, string memberId, Action<SnapshotJob> done) : ISnapshotProducer
{
    public void Produce(SnapshotJob job)
    {
        LogStarted(log, memberId, job.Index, job.Term);
        var thread = new Thread(() =>
        {
            var clock = Stopwatch.StartNew();
            job.Run(); // failures are recorded in the job, never thrown
            if (job.Error is { } error) LogFailed(log, memberId, job.Index, error);
            else LogProduced(log, memberId, job.Index, job.Length, clock.Elapsed.TotalSeconds);
            done(job);
        })
        { IsBackground = true, Name = $"cairn-snapshot-{job.Id}", Priority = ThreadPriority.BelowNormal };
        thread.Start();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "member {MemberId} writes a snapshot at index {Index} (term {Term}) from its store for a follower")]
    private static partial void LogStarted(ILogger log, string memberId, ulong index, ulong term);

    [LoggerMessage(Level = LogLevel.Information, Message = "member {MemberId} wrote the snapshot at index {Index}: {Bytes} bytes in {Seconds:F1} s")]
    private static partial void LogProduced(ILogger log, string memberId, ulong index, long bytes, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "member {MemberId} could not write the snapshot at index {Index}: {Error}; it tries again while a follower needs one")]
    private static partial void LogFailed(ILogger log, string memberId, ulong index, string error);
}
