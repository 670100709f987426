using Cairn.Core.Kv.Wire;
using Google.Protobuf;

namespace Cairn.Host.Snapshot;

/// <summary>
/// Reads etcd's backend layout (<see cref="EtcdBackendLayout"/>) out of a bbolt file, cairn's or etcd's:
/// the revisions of "key" as a stream, the consistent index and compaction from "meta", the leases and the
/// alarms. Every record is checked: a key that is not a revision, a value that does not parse, or a put whose
/// mod_revision is not its revision throws <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class EtcdSnapshotReader(BoltReader bolt)
{
    /// <summary>etcd's applied index ("meta"/"consistent_index"), 0 when absent.</summary>
    public long ConsistentIndex() => Meta(EtcdBackendLayout.ConsistentIndex) is { } v ? EtcdBackendLayout.ReadBigEndian(v, "consistent_index") : 0;

    /// <summary>The finished compaction revision (or the scheduled one), 0 when never compacted.</summary>
    public long CompactRevision()
    {
        byte[]? rev = Meta(EtcdBackendLayout.FinishedCompactRev) ?? Meta(EtcdBackendLayout.ScheduledCompactRev);
        return rev is null ? 0 : EtcdBackendLayout.ParseRevisionKey(rev).Main;
    }

    /// <summary>Every revision in revision order, each as a one-revision history of its key (its KeyValue null for a tombstone).</summary>
    public IEnumerable<KeyHistoryRecord> Revisions()
    {
        foreach (var (key, value) in bolt.Entries(EtcdBackendLayout.Key))
        {
            var (main, sub, tombstone) = EtcdBackendLayout.ParseRevisionKey(key);
            if (main <= 0 || sub < 0 || sub > int.MaxValue) throw new InvalidDataException($"revision {main}.{sub} is out of range");
            KeyValue kv = Parse(KeyValue.Parser, value, $"revision {main}.{sub}");
            if (!tombstone && kv.ModRevision != main) throw new InvalidDataException($"revision {main}.{sub} holds a value of mod_revision {kv.ModRevision}");
            if (kv.Key.IsEmpty) throw new InvalidDataException($"revision {main}.{sub} has an empty key");
            var record = new KeyHistoryRecord { Key = kv.Key };
            record.Revisions.Add(new RevisionRecord { Main = main, Sub = (int)sub, Kv = tombstone ? null : kv });
            yield return record;
        }
    }

    /// <summary>The leases (id, TTL; etcd's remaining TTL is not kept: a restored lease starts over).</summary>
    public IReadOnlyList<LeaseRecord> Leases() =>
        bolt.Entries(EtcdBackendLayout.Lease).Select(e => Parse(LeaseRecord.Parser, e.Value, "a lease")).ToList();

    /// <summary>The raised alarms (each is a key of "alarm").</summary>
    public IReadOnlyList<AlarmMember> Alarms() =>
        bolt.Entries(EtcdBackendLayout.Alarm).Select(e => Parse(AlarmMember.Parser, e.Key, "an alarm")).ToList();

    private byte[]? Meta(byte[] name)
    {
        foreach (var (key, value) in bolt.Entries(EtcdBackendLayout.Meta))
        {
            if (key.AsSpan().SequenceEqual(name)) return value;
        }
        return null;
    }

    private static T Parse<T>(MessageParser<T> parser, byte[] bytes, string what) where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{what} in the snapshot does not parse ({e.Message})", e);
        }
    }
}
