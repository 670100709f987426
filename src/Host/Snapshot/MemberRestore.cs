using Cairn.Core.Kv;
using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;
using Cairn.Host.Config;
using Cairn.Host.Node;
using Cairn.Host.Storage;
using Google.Protobuf;

namespace Cairn.Host.Snapshot;

/// <summary>
/// Builds a fresh member data dir from a snapshot, as etcdutl's restore does for etcd: the KV store
/// (<c>kv.db</c>) gets every revision, the leases, the alarms and the compaction, at an applied index of the
/// snapshot's consistent index (at least 1); the Raft log (<c>raft.db</c>) starts at a snapshot of that
/// index in term 1, so the new cluster's first leader appends after it; the identity file names the new
/// cluster (its id derives from the members and the token). A failed restore removes what it created.
/// </summary>
internal static class MemberRestore
{
    /// <summary>How long the restore waits for its one Raft log write to become durable.</summary>
    public static readonly TimeSpan LogWriteTimeout = TimeSpan.FromMinutes(2);

    /// <summary>What a restore produced.</summary>
    public sealed record Result(long Revisions, long CurrentRevision, long CompactRevision, ulong AppliedIndex, int Leases);

    /// <summary>Restores <paramref name="flags"/>.File into the member's data dir, which must not exist.</summary>
    /// <exception cref="InvalidDataException">The snapshot is corrupt or not an etcd backend.</exception>
    /// <exception cref="FlagException">The data dir already exists.</exception>
    public static Result Run(RestoreFlags flags)
    {
        ServerSettings member = flags.Member;
        string dataDir = member.Flags.EffectiveDataDir;
        if (Directory.Exists(dataDir)) throw new FlagException($"data-dir \"{dataDir}\" exists; restore into a new directory");
        if (!File.Exists(flags.File)) throw new FlagException($"snapshot file \"{flags.File}\" does not exist");
        long length = SnapshotTrailer.DatabaseLength(flags.File, flags.SkipHashCheck);
        try
        {
            Directory.CreateDirectory(member.MemberDir);
            using var bolt = BoltReader.Open(flags.File, length);
            Result result = WriteStore(new EtcdSnapshotReader(bolt), Path.Combine(member.MemberDir, NodeHost.KvFileName));
            WriteLog(Path.Combine(member.MemberDir, NodeHost.LogFileName), result.AppliedIndex);
            DataDirIdentityFile.EnsureMatches(member.MemberDir, member.ClusterId, member.MemberId, member.Flags.Name);
            return result;
        }
        catch
        {
            Directory.Delete(dataDir, recursive: true);
            throw;
        }
    }

    /// <summary>Fills the KV store in one transaction, with the applied index it covers.</summary>
    private static Result WriteStore(EtcdSnapshotReader snapshot, string path)
    {
        long compact = snapshot.CompactRevision();
        long current = Math.Max(1, compact);
        long revisions = 0;
        foreach (var record in snapshot.Revisions())
        {
            current = Math.Max(current, record.Revisions[0].Main);
            revisions++;
        }
        ulong applied = (ulong)Math.Max(1, snapshot.ConsistentIndex());
        var leases = snapshot.Leases();
        using var store = new SqliteMvccBackend(path);
        store.BeginBatch();
        store.Import(current, compact, snapshot.Revisions());
        foreach (var lease in leases)
        {
            if (lease.ID == 0) throw new InvalidDataException("the snapshot holds a lease with id 0");
            store.PutLease(lease.ID, lease.TTL);
        }
        store.PutLastLeaseId(leases.Count == 0 ? 0 : leases.Max(l => l.ID));
        store.PutAlarms(snapshot.Alarms());
        store.CommitBatch(applied);
        return new Result(revisions, current, compact, applied, leases.Count);
    }

    /// <summary>One durable write: the snapshot at <paramref name="applied"/> in term 1, committed through it. The KV
    /// store holds that state (<c>in_store</c>), so the record carries no bytes and nothing is held in memory; a leader
    /// that must send a snapshot produces one from its store.</summary>
    private static void WriteLog(string path, ulong applied)
    {
        using var durable = new ManualResetEventSlim();
        string? failure = null;
        using (var disk = new SqliteLogDisk(path, _ => durable.Set(), (_, reason) => { failure = reason; durable.Set(); }))
        {
            _ = disk.Load();
            var snapshot = new SnapshotRecord { Index = applied, Term = 1, InStore = true };
            disk.Submit(new DiskWrite(1, new HardState { Term = 1, Commit = applied }, [], snapshot));
            if (!durable.Wait(LogWriteTimeout)) throw new IOException($"the Raft log write to {path} did not complete in {LogWriteTimeout.TotalSeconds} s");
        }
        if (failure is not null) throw new IOException($"the Raft log write to {path} failed: {failure}");
    }
}
