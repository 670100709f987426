using Cairn.Core.Kv.Wire;
using Cairn.Core.Raft.Wire;
using Cairn.Core.Runtime;
using Google.Protobuf;

namespace Cairn.Host.Storage.Tests.Crash;

/// <summary>
/// The writes the crash child makes, regenerated identically from the seed by the parent: Raft log writes
/// (appends, term changes with votes, conflicting truncations, compactions and installed snapshots) and MVCC
/// apply batches whose content is a function of their applied index.
/// </summary>
public static class CrashWorkload
{
    /// <summary>Revisions each MVCC batch commits: <see cref="MvccKeysPerBatch"/> data keys and the marker.</summary>
    public const int MvccKeysPerBatch = 3;

    public static readonly ByteString Marker = ByteString.CopyFromUtf8("applied-marker");

    public static IEnumerable<DiskWrite> LogWrites(int seed)
    {
        var random = new Random(seed);
        var model = new LogModel();
        ulong term = 1;
        for (long id = 1; ; id++)
        {
            var write = NextWrite(random, model, id, ref term);
            model.Apply(write);
            yield return write;
        }
    }

    private static DiskWrite NextWrite(Random random, LogModel model, long id, ref ulong term)
    {
        var roll = random.Next(100);
        if (roll < 10 || (roll < 16 && model.Last > model.Base + 2))
        {
            term++;
            var from = roll < 10 ? model.Last + 1 : model.Last - 1; // a conflicting leader overwrites the tail
            var hardState = new HardState { Term = term, Vote = (ulong)random.Next(1, 4), Commit = model.Base };
            return new DiskWrite(id, hardState, Entries(random, from, random.Next(1, 4), term));
        }
        if (roll < 19 && model.Last > model.Base)
        {
            var at = model.Base + 1 + (ulong)random.NextInt64((long)(model.Last - model.Base));
            return new DiskWrite(id, null, Array.Empty<Entry>(), Snapshot(random, at, model.TermAt(at), replace: false));
        }
        if (roll < 20)
        {
            var at = model.Last + 5;
            return new DiskWrite(id, new HardState { Term = term, Commit = at }, Array.Empty<Entry>(), Snapshot(random, at, term, replace: true));
        }
        return new DiskWrite(id, null, Entries(random, model.Last + 1, random.Next(1, 5), term));
    }

    private static Entry[] Entries(Random random, ulong from, int count, ulong term)
    {
        var entries = new Entry[count];
        for (var i = 0; i < count; i++)
        {
            var data = new byte[random.Next(8, 256)];
            random.NextBytes(data);
            entries[i] = new Entry { Index = from + (ulong)i, Term = term, Data = ByteString.CopyFrom(data) };
        }
        return entries;
    }

    private static SnapshotRecord Snapshot(Random random, ulong index, ulong term, bool replace)
    {
        var data = new byte[random.Next(16, 4096)];
        random.NextBytes(data);
        return new SnapshotRecord { Index = index, Term = term, ReplaceLog = replace, Data = ByteString.CopyFrom(data) };
    }

    /// <summary>Applies MVCC batch <paramref name="index"/>: three data keys, a lease, a session and the marker
    /// holding the index, then the applied index — one transaction.</summary>
    public static void ApplyMvccBatch(SqliteMvccBackend store, ulong index)
    {
        store.BeginBatch();
        for (var i = 0; i < MvccKeysPerBatch; i++)
            Put(store, ByteString.CopyFromUtf8($"key/{(index * MvccKeysPerBatch + (ulong)i) % 64}"), $"{index}");
        store.PutLease((long)index, 60);
        store.PutSession(new SessionRecord { ClientId = 1, LastSequence = index, LastIndex = index });
        Put(store, Marker, $"{index}");
        store.CommitBatch(index);
    }

    private static void Put(SqliteMvccBackend store, ByteString key, string value)
    {
        var revision = store.CurrentRevision + 1;
        store.Write(key, 0, new KeyValue { Key = key, ModRevision = revision, CreateRevision = revision, Version = 1, Value = ByteString.CopyFromUtf8(value) });
        store.Commit();
    }
}
