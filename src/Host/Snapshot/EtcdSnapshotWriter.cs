using System.Text;
using System.Text.Json;
using Cairn.Core.Kv.Wire;
using Cairn.Host.Config;
using Cairn.Host.Storage;
using Google.Protobuf;

namespace Cairn.Host.Snapshot;

/// <summary>
/// Writes the KV store, as one read transaction sees it, as etcd 3.4's backend file: every retained revision
/// under its revision key in "key", the applied index and compaction in "meta", the leases in "lease", the
/// members, the cluster version, the alarms and a disabled auth store. Revisions stream from SQLite straight
/// into bbolt pages in revision order, so memory stays bounded by one page per tree level.
/// </summary>
internal static class EtcdSnapshotWriter
{
    /// <summary>Writes <paramref name="view"/> as a bbolt file to <paramref name="output"/> (seekable); returns the keys written.</summary>
    public static long Write(MvccReadView view, IReadOnlyList<MemberInfo> members, Stream output)
    {
        var bolt = new BoltWriter(output);
        long keys = WriteKeys(view, bolt);
        WriteMeta(view, bolt);
        WriteSorted(bolt, EtcdBackendLayout.Lease, view.Leases().Select(l =>
            (EtcdBackendLayout.BigEndian(l.ID), new LeaseRecord { ID = l.ID, TTL = l.TTL }.ToByteArray())));
        WriteSorted(bolt, EtcdBackendLayout.Alarm, view.Alarms().Select(a => (a.ToByteArray(), Array.Empty<byte>())));
        WriteSorted(bolt, EtcdBackendLayout.Members, members.Select(m => (EtcdBackendLayout.MemberKey(m.Id), MemberJson(m))));
        WriteSorted(bolt, EtcdBackendLayout.MembersRemoved, []);
        WriteSorted(bolt, EtcdBackendLayout.Cluster, [(EtcdBackendLayout.ClusterVersion, Encoding.ASCII.GetBytes(EtcdBackendLayout.ClusterVersionValue))]);
        WriteSorted(bolt, EtcdBackendLayout.Auth, [(EtcdBackendLayout.AuthEnabled, [0]), (EtcdBackendLayout.AuthRevision, EtcdBackendLayout.BigEndian(1))]);
        WriteSorted(bolt, EtcdBackendLayout.AuthUsers, []);
        WriteSorted(bolt, EtcdBackendLayout.AuthRoles, []);
        bolt.Finish();
        return keys;
    }

    /// <summary>"key": revision key → mvccpb.KeyValue (a tombstone holds just the key, as etcd writes it).</summary>
    private static long WriteKeys(MvccReadView view, BoltWriter bolt)
    {
        BoltTreeWriter tree = bolt.BeginBucket(EtcdBackendLayout.Key);
        foreach (MvccRevisionRow row in view.Revisions())
        {
            byte[] value = row.Kv ?? new KeyValue { Key = ByteString.CopyFrom(row.Key) }.ToByteArray();
            tree.Add(EtcdBackendLayout.RevisionKey(row.Main, row.Sub, tombstone: row.Kv is null), value);
        }
        long count = tree.Count;
        bolt.EndBucket();
        return count;
    }

    private static void WriteMeta(MvccReadView view, BoltWriter bolt)
    {
        var meta = new List<(byte[], byte[])> { (EtcdBackendLayout.ConsistentIndex, EtcdBackendLayout.BigEndian((long)view.AppliedIndex)) };
        if (view.CompactRevision > 0)
        {
            byte[] compacted = EtcdBackendLayout.RevisionKey(view.CompactRevision, 0, tombstone: false);
            meta.Add((EtcdBackendLayout.ScheduledCompactRev, compacted));
            meta.Add((EtcdBackendLayout.FinishedCompactRev, compacted));
        }
        WriteSorted(bolt, EtcdBackendLayout.Meta, meta);
    }

    /// <summary>A bucket of few entries, sorted here.</summary>
    private static void WriteSorted(BoltWriter bolt, byte[] bucket, IEnumerable<(byte[] Key, byte[] Value)> entries)
    {
        BoltTreeWriter tree = bolt.BeginBucket(bucket);
        foreach (var (key, value) in entries.OrderBy(e => e.Key, ByteOrder.Instance)) tree.Add(key, value);
        bolt.EndBucket();
    }

    /// <summary>etcd's membership record: <c>{"id":N,"peerURLs":[...],"name":"..."}</c>.</summary>
    private static byte[] MemberJson(MemberInfo member)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("id", member.Id);
            json.WriteStartArray("peerURLs");
            foreach (Uri url in member.PeerUrls) json.WriteStringValue(url.ToString().TrimEnd('/'));
            json.WriteEndArray();
            json.WriteString("name", member.Name);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
