using System.Diagnostics;
using Cairn.Core.Kv;
using Xunit;
using Xunit.Abstractions;

namespace Cairn.Host.Storage.Tests.Crash;

/// <summary>
/// Crash safety (issue 8 §3): a child process writing the Raft log and MVCC batches is killed with SIGKILL at a
/// random point, many times. After each kill, persist-before-acknowledge must hold: every log write reported
/// durable (entries and votes) is loaded back — the disk holds exactly some prefix of the writes that covers
/// all acknowledged ones — and the MVCC store's applied index matches its data and covers every acknowledged
/// batch. The MVCC store commits without an fsync and reports a batch durable only after syncing it: the durable
/// index the child saw never runs ahead of what survives, and the reopened store counts what it found as durable. A follower store that installs a snapshot file every few batches is, after the kill, exactly some
/// installed snapshot (never a torn or partial one) covering every acknowledged install.
/// </summary>
public sealed class CrashTests
{
    /// <summary>Kills per test run: bounded so the suite stays fast on 2 cores.</summary>
    public const int KillsMax = 24;

    /// <summary>Kills the canary test may spend looking for the planted bug.</summary>
    public const int CanaryKillsMax = 60;

    /// <summary>Acknowledgements after which the child is killed at the latest.</summary>
    public const int AcksBeforeKillMax = 120;

    /// <summary>Writes of the regenerated workload searched for a prefix matching what was loaded.</summary>
    public const int PrefixSearchMax = SqliteLogDisk.QueuedWritesMax + 20_000;

    private readonly ITestOutputHelper _output;

    /// <summary>Kills after which the child had reported a durable applied index (the durable check is not vacuous).</summary>
    private int _killsAfterSync;

    public CrashTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Persist_before_acknowledge_survives_kill_9_mid_batch()
    {
        for (var seed = 1; seed <= KillsMax; seed++)
        {
            var failure = KillAndCheck(seed, canary: null);
            Assert.True(failure is null, $"seed {seed}: {failure}\nreplay: dotnet test tests/host/storage --filter FullyQualifiedName~CrashTests (seed {seed})");
        }
        Assert.True(_killsAfterSync > 0, "no child reported a durable applied index before its kill");
    }

    [Fact]
    public void Canary_applied_index_written_outside_the_data_transaction_is_caught() =>
        AssertCanaryCaught(CrashChild.CanaryFlag, "applied index");

    [Fact]
    public void Canary_log_write_acknowledged_before_its_commit_is_caught() =>
        AssertCanaryCaught(CrashChild.AckCanaryFlag, "acknowledged write");

    /// <summary>Kills children running with <paramref name="canary"/> on, seed after seed, until the check fails.</summary>
    private void AssertCanaryCaught(string canary, string expected)
    {
        for (var seed = 1; seed <= CanaryKillsMax; seed++)
        {
            var failure = KillAndCheck(seed, canary);
            if (failure is null) continue;
            _output.WriteLine($"canary {canary} caught at seed {seed}: {failure}");
            // Another check may fire first on some kills; keep killing until the canary's own check fires.
            if (failure.Contains(expected, StringComparison.Ordinal)) return;
        }
        Assert.Fail($"the canary {canary} survived {CanaryKillsMax} kills");
    }

    /// <summary>Runs the child on a fresh directory, kills it after a seeded number of acknowledgements and
    /// checks the files; returns what is wrong, or null.</summary>
    private string? KillAndCheck(int seed, string? canary)
    {
        using var dir = new TempDirectory();
        var killAfter = new Random(seed * 7919).Next(1, AcksBeforeKillMax);
        var (durableThrough, appliedThrough, syncedThrough, installedThrough) = RunAndKill(dir.Path, seed, canary, killAfter);
        if (syncedThrough > 0) _killsAfterSync++;
        return CheckLog(dir.File("log.db"), seed, durableThrough) ?? CheckMvcc(dir.File("mvcc.db"), appliedThrough, syncedThrough)
            ?? Prefixed("follower: ", CheckMvcc(dir.File(CrashChild.FollowerFile), installedThrough, 0));
    }

    private static string? Prefixed(string prefix, string? failure) => failure is null ? null : prefix + failure;

    private static (long Durable, ulong Applied, ulong Synced, ulong Installed) RunAndKill(string dir, int seed, string? canary, int killAfter)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(CrashChild).Assembly.Location);
        foreach (var arg in new[] { CrashChild.Flag, dir, seed.ToString(System.Globalization.CultureInfo.InvariantCulture) }) start.ArgumentList.Add(arg);
        if (canary is not null) start.ArgumentList.Add(canary);
        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start the crash child");
        long durable = 0;
        ulong applied = 0, synced = 0, installed = 0;
        var acks = 0;
        while (child.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith("D ", StringComparison.Ordinal))
            {
                var id = long.Parse(line[2..], System.Globalization.CultureInfo.InvariantCulture);
                if (id != durable + 1) throw new InvalidOperationException($"completion {id} reported after {durable}: out of order");
                durable = id;
                acks++;
            }
            else if (line.StartsWith("A ", StringComparison.Ordinal))
            {
                applied = ulong.Parse(line[2..], System.Globalization.CultureInfo.InvariantCulture);
                acks++;
            }
            else if (line.StartsWith("Y ", StringComparison.Ordinal))
            {
                synced = ulong.Parse(line[2..], System.Globalization.CultureInfo.InvariantCulture);
                if (synced > applied) throw new InvalidOperationException($"durable applied index {synced} ahead of the committed batch {applied}");
            }
            else if (line.StartsWith("S ", StringComparison.Ordinal))
            {
                installed = ulong.Parse(line[2..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("F ", StringComparison.Ordinal)) throw new InvalidOperationException($"child write failed: {line}");
            if (acks >= killAfter) break;
        }
        child.Kill(); // SIGKILL: no finally blocks, no flush, no SQLite close
        child.WaitForExit();
        if (acks < killAfter) throw new InvalidOperationException($"child exited early: {child.StandardError.ReadToEnd()}");
        return (durable, applied, synced, installed);
    }

    private static string? CheckLog(string path, int seed, long durableThrough)
    {
        using var disk = new SqliteLogDisk(path, _ => { }, (_, _) => { });
        var loaded = disk.Load();
        var model = new LogModel();
        long id = 0;
        foreach (var write in CrashWorkload.LogWrites(seed).Take(PrefixSearchMax))
        {
            if (id >= durableThrough && model.Matches(loaded)) return null;
            model.Apply(write);
            id++;
        }
        return $"the log holds no prefix of the writes covering acknowledged write {durableThrough} " +
               $"(loaded {loaded.Entries.Count} entries after snapshot {loaded.Snapshot?.Index ?? 0}, hard state {loaded.HardState})";
    }

    /// <summary>A process crash keeps what the OS was given, so every committed batch (<paramref name="appliedThrough"/>)
    /// survives; a power loss would keep at least the synced ones (<paramref name="syncedThrough"/>). Either way
    /// the data is exactly its applied index's.</summary>
    private static string? CheckMvcc(string path, ulong appliedThrough, ulong syncedThrough)
    {
        using var store = new SqliteMvccBackend(path);
        var applied = store.AppliedIndex;
        if (applied < syncedThrough) return $"applied index {applied} is behind the durable applied index {syncedThrough} reported before the kill";
        if (store.DurableAppliedIndex != applied) return $"reopened at applied index {applied} but durable only through {store.DurableAppliedIndex}";
        var marker = store.Get(CrashWorkload.Marker, store.CurrentRevision)?.Value.ToStringUtf8();
        var dataThrough = marker is null ? 0UL : ulong.Parse(marker, System.Globalization.CultureInfo.InvariantCulture);
        if (applied < appliedThrough) return $"applied index {applied} is behind acknowledged batch {appliedThrough}";
        if (dataThrough != applied) return $"applied index {applied} does not match the data, which holds batch {dataThrough}";
        var revision = 1 + (long)applied * (CrashWorkload.MvccKeysPerBatch + 1);
        if (store.CurrentRevision != revision) return $"applied index {applied} with revision {store.CurrentRevision}, expected {revision}";
        var session = store.Sessions().SingleOrDefault();
        if ((session?.LastIndex ?? 0) != applied) return $"applied index {applied} with session at {session?.LastIndex}";
        if (store.Leases().Count != (int)applied) return $"applied index {applied} with {store.Leases().Count} leases";
        return null;
    }
}
