extern alias CairnServer;

using System.Text.Json;
using Cairn.Core.Kv.Wire;
using CairnServer::Cairn.Host.Api;
using Google.Protobuf;
using Xunit;

namespace Cairn.Host.Tests;

/// <summary>The snapshot file is a bbolt database laid out as etcd's backend: a store large enough for branch pages
/// and an overflowing value round-trips, and etcd's own etcdctl reads it (no server involved).</summary>
public sealed class BoltSnapshotTests : IDisposable
{
    private const int Keys = 2_000;
    private const int RevisionsPerKey = 10;
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"cairn-bolt-{Guid.NewGuid():N}.db");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void A_multi_level_snapshot_round_trips_and_etcdctl_reads_its_revision_and_keys()
    {
        KvSnapshot snapshot = LargeSnapshot();
        byte[] state = snapshot.ToByteArray();
        byte[] file = SnapshotFile.Encode(state);
        Assert.Equal(state, SnapshotFile.Decode(file));
        List<BoltItem> revisions = BoltFile.ReadBucket(file[..^32], "key"u8.ToArray());
        Assert.Equal(Keys * RevisionsPerKey + 1, revisions.Count);
        Assert.True(revisions.Zip(revisions.Skip(1)).All(p => p.First.Key.AsSpan().SequenceCompareTo(p.Second.Key) < 0));
        File.WriteAllBytes(_path, file);
        // snapshot status reads the file alone; the endpoint is never dialled
        Etcdctl.Result r = Etcdctl.Run("127.0.0.1:1", "snapshot", "status", _path, "-w", "json");
        Assert.True(r.ExitCode == 0, r.All);
        using JsonDocument status = JsonDocument.Parse(r.Stdout);
        Assert.Equal(snapshot.CurrentRevision, status.RootElement.GetProperty("revision").GetInt64());
        Assert.True(status.RootElement.GetProperty("totalKey").GetInt64() > Keys * RevisionsPerKey);
    }

    /// <summary>Every key written RevisionsPerKey times, one revision per write, then one 200 KB value (overflow pages).</summary>
    private static KvSnapshot LargeSnapshot()
    {
        var snapshot = new KvSnapshot { AppliedIndex = 99, CompactRevision = 0 };
        var histories = new KeyHistoryRecord[Keys];
        long revision = 1;
        for (int round = 0; round < RevisionsPerKey; round++)
        {
            for (int k = 0; k < Keys; k++)
            {
                revision++;
                histories[k] ??= new KeyHistoryRecord { Key = ByteString.CopyFromUtf8($"key/{k:D5}") };
                histories[k].Revisions.Add(new RevisionRecord
                {
                    Main = revision,
                    Kv = new KeyValue
                    {
                        Key = histories[k].Key, CreateRevision = histories[k].Revisions.Count > 0 ? histories[k].Revisions[0].Main : revision,
                        ModRevision = revision, Version = round + 1, Value = ByteString.CopyFromUtf8(new string('v', 40 + k % 300)),
                    },
                });
            }
        }
        revision++;
        var huge = new KeyHistoryRecord { Key = ByteString.CopyFromUtf8("huge") };
        huge.Revisions.Add(new RevisionRecord
        {
            Main = revision,
            Kv = new KeyValue { Key = huge.Key, CreateRevision = revision, ModRevision = revision, Version = 1, Value = ByteString.CopyFrom(new byte[200_000]) },
        });
        snapshot.Keys.AddRange(histories);
        snapshot.Keys.Add(huge);
        snapshot.CurrentRevision = revision;
        return snapshot;
    }
}
