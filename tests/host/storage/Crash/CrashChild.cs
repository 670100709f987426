namespace Cairn.Host.Storage.Tests.Crash;

/// <summary>
/// The process the crash test kills: writes to a <see cref="SqliteLogDisk"/> and a <see cref="SqliteMvccBackend"/>
/// as fast as it can and prints every acknowledgement (<c>D id</c>: log write durable; <c>A index</c>: MVCC batch
/// committed; <c>Y index</c>: the MVCC store's durable applied index reached that batch; <c>S index</c>: a
/// snapshot at that index installed into a second, follower store). The parent kills it with SIGKILL at a random
/// point and checks that nothing acknowledged is lost.
/// </summary>
public static class CrashChild
{
    /// <summary>Loop iterations before the child stops by itself, should no one kill it.</summary>
    public const int IterationsMax = 20_000;

    /// <summary>Batches between snapshots, each written to a file and installed into the follower's store.</summary>
    public const int SnapshotEvery = 5;

    /// <summary>Batches between syncs of the MVCC store on the child's own thread (its background thread syncs too).</summary>
    public const int SyncEvery = 7;

    public const string FollowerFile = "follower.db";

    public const string Flag = "--crash-child";
    public const string CanaryFlag = "--canary-applied-index-outside-transaction";
    public const string AckCanaryFlag = "--canary-ack-before-commit";

    public static int Run(string[] args)
    {
        var dir = args[1];
        var seed = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
        var output = Console.Out;
        using var log = new SqliteLogDisk(Path.Combine(dir, "log.db"),
            id => output.WriteLine($"D {id}"), (id, reason) => output.WriteLine($"F {id} {reason}"))
        {
            AcknowledgeBeforeCommitCanary = args.Contains(AckCanaryFlag),
        };
        var canary = args.Contains(CanaryFlag) || args.Contains(AckCanaryFlag);
        using var mvcc = new SqliteMvccBackend(Path.Combine(dir, "mvcc.db")) { AppliedIndexOutsideTransactionCanary = canary };
        using var follower = new SqliteMvccBackend(Path.Combine(dir, FollowerFile));
        var random = new Random(seed);
        ulong durable = mvcc.DurableAppliedIndex;
        using var writes = CrashWorkload.LogWrites(seed).GetEnumerator();
        output.WriteLine("READY");
        for (var i = 1; i <= IterationsMax; i++)
        {
            for (var n = random.Next(1, 4); n > 0; n--)
            {
                writes.MoveNext();
                log.Submit(writes.Current);
            }
            CrashWorkload.ApplyMvccBatch(mvcc, (ulong)i);
            output.WriteLine($"A {i}");
            if (i % SyncEvery == 0) mvcc.SyncCommitted();
            if (mvcc.DurableAppliedIndex != durable)
            {
                durable = mvcc.DurableAppliedIndex;
                output.WriteLine($"Y {durable}");
            }
            if (canary || i % SnapshotEvery != 0) continue; // the canary run aims every kill at the batch commits
            follower.InstallSnapshot(mvcc.WriteSnapshot(Path.Combine(dir, $"snapshot-{i}.db")));
            output.WriteLine($"S {i}");
        }
        return 0;
    }
}
