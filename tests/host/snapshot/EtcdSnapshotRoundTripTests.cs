using Cairn.Core.Kv.Wire;
using Cairn.Host.Node;
using Cairn.Host.Storage;
using Google.Protobuf;
using Xunit;

namespace Cairn.Host.Snapshot.Tests;

/// <summary>The KV store written as etcd's backend and read back: every revision (puts and tombstones, several
/// per revision), the compaction, the applied index and the leases survive, and <see cref="MemberRestore"/>
/// builds a data dir whose store and Raft log start exactly there.</summary>
public sealed class EtcdSnapshotRoundTripTests : IDisposable
{
    private const int Revisions = 3_000;
    private const ulong Applied = 4_321;
    private const long CompactedAt = 100;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cairn-etcd-snap-" + Guid.NewGuid().ToString("N"));

    public EtcdSnapshotRoundTripTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A store with <see cref="Revisions"/> revisions over 500 keys (every 10th a deletion, every 7th
    /// with a second change), two leases, compacted at <see cref="CompactedAt"/>, applied through <see cref="Applied"/>.</summary>
    private string FillStore()
    {
        string path = Path.Combine(_dir, "source.db");
        using var store = new SqliteMvccBackend(path);
        store.BeginBatch();
        for (int r = 0; r < Revisions; r++)
        {
            long rev = store.CurrentRevision + 1;
            ByteString key = ByteString.CopyFromUtf8($"k/{r % 500:D3}");
            store.Write(key, 0, r % 10 == 9 ? null : new KeyValue { Key = key, CreateRevision = rev, ModRevision = rev, Version = 1, Value = ByteString.CopyFromUtf8(new string('v', r % 300)), Lease = r % 50 == 0 ? 7 : 0 });
            if (r % 7 == 0)
            {
                ByteString other = ByteString.CopyFromUtf8($"other/{r}");
                store.Write(other, 1, new KeyValue { Key = other, CreateRevision = rev, ModRevision = rev, Version = 1 });
            }
            store.Commit();
        }
        store.PutLease(7, 60);
        store.PutLease(9, 3600);
        store.PutLastLeaseId(9);
        store.Compact(CompactedAt);
        store.CommitBatch(Applied);
        return path;
    }

    private static List<MvccRevisionRow> Rows(string store)
    {
        using MvccReadView view = MvccReadView.Open(store);
        return [.. view.Revisions()];
    }

    [Fact]
    public void Every_revision_lease_and_mark_survives_and_restore_builds_a_member_at_the_applied_index()
    {
        string store = FillStore();
        string file = Path.Combine(_dir, "snapshot.db");
        using (MvccReadView view = MvccReadView.Open(store))
        using (var output = new FileStream(file, FileMode.Create, FileAccess.ReadWrite))
        {
            EtcdSnapshotWriter.Write(view, [], output);
        }
        List<MvccRevisionRow> expected = Rows(store);
        Assert.True(expected.Count > 2_000);
        using (var bolt = BoltReader.Open(file, new FileInfo(file).Length))
        {
            var etcd = new EtcdSnapshotReader(bolt);
            Assert.Equal((long)Applied, etcd.ConsistentIndex());
            Assert.Equal(CompactedAt, etcd.CompactRevision());
            Assert.Equal([7L, 9L], etcd.Leases().Select(l => l.ID));
            var read = etcd.Revisions().ToList();
            Assert.Equal(expected.Count, read.Count);
            for (int i = 0; i < read.Count; i++)
            {
                RevisionRecord r = read[i].Revisions[0];
                Assert.Equal(expected[i].Key, read[i].Key.ToByteArray());
                Assert.Equal((expected[i].Main, expected[i].Sub), (r.Main, r.Sub));
                Assert.Equal(expected[i].Kv, r.Kv?.ToByteArray());
            }
        }

        string dataDir = Path.Combine(_dir, "restored");
        var flags = RestoreFlags.Parse([file, "--skip-hash-check", "--name", "a", "--data-dir", dataDir, "--initial-cluster", "a=http://127.0.0.1:1,b=http://127.0.0.1:2"]);
        MemberRestore.Result result = MemberRestore.Run(flags);
        Assert.Equal((Applied, CompactedAt), (result.AppliedIndex, result.CompactRevision));
        string restoredStore = Path.Combine(dataDir, "member", NodeHost.KvFileName);
        using (MvccReadView view = MvccReadView.Open(restoredStore))
        {
            Assert.Equal((Applied, CompactedAt, 1L + Revisions, 9L), (view.AppliedIndex, view.CompactRevision, view.CurrentRevision, view.LastLeaseId));
            Assert.Equal([(7L, 60L), (9L, 3600L)], view.Leases().Select(l => (l.ID, l.TTL)));
        }
        Assert.Equal(expected.Select(r => (Convert.ToHexString(r.Key), r.Main, r.Sub, r.Kv is null ? "" : Convert.ToHexString(r.Kv))),
            Rows(restoredStore).Select(r => (Convert.ToHexString(r.Key), r.Main, r.Sub, r.Kv is null ? "" : Convert.ToHexString(r.Kv))));
        using var log = new SqliteLogDisk(Path.Combine(dataDir, "member", NodeHost.LogFileName), _ => { }, (_, _) => { });
        var durable = log.Load();
        Assert.Equal((Applied, 1UL), (durable.Snapshot!.Index, durable.Snapshot.Term));
        Assert.Equal(Applied, durable.HardState!.Commit);
        Assert.Empty(durable.Entries);
    }

    [Fact]
    public void A_snapshot_whose_value_disagrees_with_its_revision_is_refused_and_leaves_nothing()
    {
        string file = Path.Combine(_dir, "bad.db");
        using (var output = new FileStream(file, FileMode.Create, FileAccess.ReadWrite))
        {
            var bolt = new BoltWriter(output);
            BoltTreeWriter keys = bolt.BeginBucket(EtcdBackendLayout.Key);
            keys.Add(EtcdBackendLayout.RevisionKey(5, 0, tombstone: false), new KeyValue { Key = ByteString.CopyFromUtf8("k"), ModRevision = 6 }.ToByteArray());
            bolt.EndBucket();
            bolt.Finish();
        }
        string dataDir = Path.Combine(_dir, "never");
        var flags = RestoreFlags.Parse([file, "--skip-hash-check", "--data-dir", dataDir]);
        var e = Assert.Throws<InvalidDataException>(() => MemberRestore.Run(flags));
        Assert.Contains("mod_revision 6", e.Message);
        Assert.False(Directory.Exists(dataDir));
    }
}
