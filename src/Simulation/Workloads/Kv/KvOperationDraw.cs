using Cairn.Simulation.Engine;
using Google.Protobuf;
using H = Cairn.Simulation.History;
using Wire = Cairn.Core.Kv.Wire;

namespace Cairn.Simulation.Workloads.Kv;

/// <summary>
/// Draws the kv workload's operations over a small keyspace (<see cref="KeysMax"/> keys) so that clients
/// conflict: linearizable gets and ranges, serializable gets (not checked), puts, deletes, compare-and-swap
/// and multi-key transactions, reads at past revisions, compactions 20 revisions behind the head, and lease operations on a separate keyspace (not checked for
/// linearizability: a lease's expiry deletes keys at a time no client chose).
/// </summary>
internal sealed class KvOperationDraw(SimRandom random)
{
    /// <summary>Keys of the checked keyspace: k00 .. k31 (eight groups, so that one partition of the linearizability
    /// search holds few enough unknown-outcome writes to be decided; with 16 keys, runs with many timeouts drove
    /// single partitions past the search limit).</summary>
    public const int KeysMax = 32;

    /// <summary>Multi-key transactions and ranges stay inside a group of this many consecutive keys, so the
    /// linearizability checker can split the history into <see cref="KeysMax"/> / this independent partitions.</summary>
    public const int KeyGroupSize = 4;

    /// <summary>Keys a client may attach to its lease: lease/00 .. lease/07.</summary>
    public const int LeaseKeysMax = 8;

    /// <summary>Smallest and largest lease TTL drawn, in seconds.</summary>
    public const int LeaseTtlMinSeconds = 2, LeaseTtlMaxSeconds = 5;

    /// <summary>How far behind the newest revision a client has seen it compacts (so watchers near the head survive).</summary>
    public const int CompactLagRevisions = 20;

    private long _values;

    /// <summary>The key of index <paramref name="i"/>.</summary>
    public static string Key(int i) => $"k{i:D2}";

    /// <summary>The first key after the checked keyspace.</summary>
    public const string KeyspaceEnd = "l";

    /// <summary>Draws the next operation of client <paramref name="client"/>.</summary>
    public KvOperation Next(KvClient client)
    {
        int roll = random.Next(0, 100);
        if (roll < 2 && client.SeenRevision > CompactLagRevisions + 10) return Compact(client.SeenRevision - CompactLagRevisions);
        if (roll < 12 && client.LeaseId != 0) return LeaseOperation(client);
        if (roll < 12) return LeaseGrant();
        if (roll < 34) return Get(Key(random.Next(0, KeysMax)));
        if (roll < 40) return HistoricalRead(client);
        if (roll < 44) return Range();
        if (roll < 49) return SerializableGet();
        if (roll < 72) return Put(Key(random.Next(0, KeysMax)), client);
        if (roll < 78) return Delete(Key(random.Next(0, KeysMax)));
        if (roll < 90) return CompareAndSwap(client);
        if (roll < 95) return MultiKeyTxn(client);
        return NestedTxn(client);
    }

    private static ByteString B(string s) => ByteString.CopyFromUtf8(s);

    /// <summary>Compactions are in the checked history: reads at a past revision observe them (COMPACTED), and
    /// a compaction at or below an earlier one is refused (COMPACTED) too.</summary>
    private static KvOperation Compact(long revision) =>
        new(KvOperationKind.Compact, new Wire.CompactionRequest { Revision = revision }, new H.CompactRequest(revision));

    /// <summary>How far around the newest revision the client has seen a read at a past revision aims: from
    /// <see cref="HistoricalReadBackMax"/> below (often compacted) to <see cref="HistoricalReadAheadMax"/> above
    /// (sometimes a future revision).</summary>
    public const int HistoricalReadBackMax = 2 * CompactLagRevisions, HistoricalReadAheadMax = 3;

    /// <summary>A get or a group range at a past revision near the newest one the client has seen.</summary>
    private KvOperation HistoricalRead(KvClient client)
    {
        long revision = Math.Max(1, client.SeenRevision + random.Next(-HistoricalReadBackMax, HistoricalReadAheadMax + 1));
        string start = Key(random.Next(0, KeysMax));
        string? end = null;
        if (random.Chance(0.3))
        {
            int group = random.Next(0, KeysMax / KeyGroupSize) * KeyGroupSize;
            (start, end) = (Key(group), Key(group + KeyGroupSize));
        }
        var wire = new Wire.RangeRequest { Key = B(start), Revision = revision };
        if (end is not null) wire.RangeEnd = B(end);
        return new(KvOperationKind.Read, wire, new H.RangeRequest(start, end, revision));
    }

    private string NewValue(KvClient client) => $"v{client.Index}-{++_values}";

    private static KvOperation Get(string key) =>
        new(KvOperationKind.Read, new Wire.RangeRequest { Key = B(key) }, new H.RangeRequest(key));

    /// <summary>A range inside one key group: the whole group or a part of it.</summary>
    private KvOperation Range()
    {
        int group = random.Next(0, KeysMax / KeyGroupSize) * KeyGroupSize;
        int from = group + random.Next(0, KeyGroupSize);
        int to = Math.Min(group + KeyGroupSize, from + random.Next(1, KeyGroupSize + 1));
        if (random.Chance(0.5)) (from, to) = (group, group + KeyGroupSize);
        string start = Key(from), end = Key(to);
        return new(KvOperationKind.Read, new Wire.RangeRequest { Key = B(start), RangeEnd = B(end) }, new H.RangeRequest(start, end));
    }

    private KvOperation SerializableGet() =>
        new(KvOperationKind.SerializableRead, new Wire.RangeRequest { Key = B(Key(random.Next(0, KeysMax))), Serializable = true }, null);

    private KvOperation Put(string key, KvClient client)
    {
        string value = NewValue(client);
        return new(KvOperationKind.Write, new Wire.PutRequest { Key = B(key), Value = B(value) }, new H.PutRequest(key, value));
    }

    private static KvOperation Delete(string key) =>
        new(KvOperationKind.Write, new Wire.DeleteRangeRequest { Key = B(key) }, new H.DeleteRequest(key));

    /// <summary>Compare-and-swap on the version the client last saw (0 = absent).</summary>
    private KvOperation CompareAndSwap(KvClient client)
    {
        string key = Key(random.Next(0, KeysMax));
        long version = client.SeenVersion(key);
        string value = NewValue(client);
        var wire = new Wire.TxnRequest();
        wire.Compare.Add(new Wire.Compare { Key = B(key), Target = Wire.Compare.Types.CompareTarget.Version, Result = Wire.Compare.Types.CompareResult.Equal, Version = version });
        wire.Success.Add(new Wire.RequestOp { RequestPut = new Wire.PutRequest { Key = B(key), Value = B(value) } });
        wire.Failure.Add(new Wire.RequestOp { RequestRange = new Wire.RangeRequest { Key = B(key) } });
        var history = new H.TxnRequest(
            [new H.TxnCompare(key, H.CompareTarget.Version, H.CompareOperator.Equal, Number: version)],
            [new H.PutRequest(key, value)],
            [new H.RangeRequest(key)]);
        return new(KvOperationKind.Write, wire, history);
    }

    /// <summary>Writes two or three distinct keys of one group atomically, guarded by the version of the first.</summary>
    private KvOperation MultiKeyTxn(KvClient client)
    {
        int group = random.Next(0, KeysMax / KeyGroupSize) * KeyGroupSize;
        int a = random.Next(0, KeyGroupSize), b = (a + random.Next(1, KeyGroupSize)) % KeyGroupSize, c = (b + 1) % KeyGroupSize;
        (a, b, c) = (group + a, group + b, group + c);
        bool guarded = random.Chance(0.5), withDelete = c != a && random.Chance(0.3);
        string ka = Key(a), kb = Key(b), kc = Key(c), va = NewValue(client), vb = NewValue(client);
        var wire = new Wire.TxnRequest();
        var compares = new List<H.TxnCompare>();
        if (guarded)
        {
            long version = client.SeenVersion(ka);
            wire.Compare.Add(new Wire.Compare { Key = B(ka), Target = Wire.Compare.Types.CompareTarget.Version, Result = Wire.Compare.Types.CompareResult.Equal, Version = version });
            compares.Add(new H.TxnCompare(ka, H.CompareTarget.Version, H.CompareOperator.Equal, Number: version));
        }
        var success = new List<H.KvRequest> { new H.PutRequest(ka, va), new H.PutRequest(kb, vb) };
        wire.Success.Add(new Wire.RequestOp { RequestPut = new Wire.PutRequest { Key = B(ka), Value = B(va) } });
        wire.Success.Add(new Wire.RequestOp { RequestPut = new Wire.PutRequest { Key = B(kb), Value = B(vb) } });
        if (withDelete)
        {
            wire.Success.Add(new Wire.RequestOp { RequestDeleteRange = new Wire.DeleteRangeRequest { Key = B(kc) } });
            success.Add(new H.DeleteRequest(kc));
        }
        var failure = new List<H.KvRequest> { new H.RangeRequest(ka), new H.RangeRequest(kb) };
        wire.Failure.Add(new Wire.RequestOp { RequestRange = new Wire.RangeRequest { Key = B(ka) } });
        wire.Failure.Add(new Wire.RequestOp { RequestRange = new Wire.RangeRequest { Key = B(kb) } });
        return new(KvOperationKind.Write, wire, new H.TxnRequest(compares, success, failure));
    }

    /// <summary>A value no client ever writes: a guard "value == NeverWritten" always fails.</summary>
    public const string NeverWritten = "never-written";

    /// <summary>
    /// A transaction with a nested transaction in each branch (etcd's RequestOp.request_txn): the outer guard is
    /// the version of the first key the client last saw (so either branch may run); the nested guard of the
    /// success branch is a version compare that may fail, and the nested guard of the failure branch always
    /// fails, so failing compares run in both branches. Three distinct keys of one group; no key is put twice
    /// on any path (etcd refuses duplicate puts in one txn).
    /// </summary>
    private KvOperation NestedTxn(KvClient client)
    {
        int group = random.Next(0, KeysMax / KeyGroupSize) * KeyGroupSize;
        int a = random.Next(0, KeyGroupSize), b = (a + 1) % KeyGroupSize, c = (a + 2) % KeyGroupSize;
        string ka = Key(group + a), kb = Key(group + b), kc = Key(group + c);
        string va = NewValue(client), vb = NewValue(client), vc = NewValue(client);
        H.TxnCompare outer = new(ka, H.CompareTarget.Version, H.CompareOperator.Equal, Number: client.SeenVersion(ka));
        H.TxnCompare mayFail = new(kb, H.CompareTarget.Version, H.CompareOperator.Equal, Number: client.SeenVersion(kb));
        H.TxnCompare fails = new(kb, H.CompareTarget.Value, H.CompareOperator.Equal, Value: NeverWritten);
        var inSuccess = new H.TxnRequest([mayFail], [new H.PutRequest(kb, vb)], [new H.RangeRequest(kb)]);
        var inFailure = new H.TxnRequest([fails], [new H.PutRequest(kb, vb)], [new H.RangeRequest(kb), new H.PutRequest(kc, vc)]);
        var history = new H.TxnRequest([outer], [new H.PutRequest(ka, va), inSuccess], [new H.RangeRequest(ka), inFailure]);
        return new(KvOperationKind.Write, ToWire(history), history);
    }

    /// <summary>The wire form of a history transaction (gets, ranges, puts, deletes and nested txns).</summary>
    private static Wire.TxnRequest ToWire(H.TxnRequest t)
    {
        var wire = new Wire.TxnRequest();
        foreach (H.TxnCompare c in t.Compares)
        {
            var compare = new Wire.Compare { Key = B(c.Key), Result = c.Operator switch
            {
                H.CompareOperator.Equal => Wire.Compare.Types.CompareResult.Equal,
                H.CompareOperator.NotEqual => Wire.Compare.Types.CompareResult.NotEqual,
                H.CompareOperator.Greater => Wire.Compare.Types.CompareResult.Greater,
                _ => Wire.Compare.Types.CompareResult.Less,
            } };
            switch (c.Target)
            {
                case H.CompareTarget.Value: compare.Target = Wire.Compare.Types.CompareTarget.Value; compare.Value = B(c.Value ?? ""); break;
                case H.CompareTarget.Version: compare.Target = Wire.Compare.Types.CompareTarget.Version; compare.Version = c.Number; break;
                case H.CompareTarget.CreateRevision: compare.Target = Wire.Compare.Types.CompareTarget.Create; compare.CreateRevision = c.Number; break;
                default: compare.Target = Wire.Compare.Types.CompareTarget.Mod; compare.ModRevision = c.Number; break;
            }
            wire.Compare.Add(compare);
        }
        foreach (H.KvRequest op in t.Success) wire.Success.Add(ToWireOp(op));
        foreach (H.KvRequest op in t.Failure) wire.Failure.Add(ToWireOp(op));
        return wire;
    }

    private static Wire.RequestOp ToWireOp(H.KvRequest op) => op switch
    {
        H.PutRequest p => new Wire.RequestOp { RequestPut = new Wire.PutRequest { Key = B(p.Key), Value = B(p.Value) } },
        H.DeleteRequest d => new Wire.RequestOp { RequestDeleteRange = d.RangeEnd is null ? new Wire.DeleteRangeRequest { Key = B(d.Key) } : new Wire.DeleteRangeRequest { Key = B(d.Key), RangeEnd = B(d.RangeEnd) } },
        H.RangeRequest r => new Wire.RequestOp { RequestRange = r.RangeEnd is null ? new Wire.RangeRequest { Key = B(r.Key) } : new Wire.RangeRequest { Key = B(r.Key), RangeEnd = B(r.RangeEnd) } },
        H.TxnRequest n => new Wire.RequestOp { RequestTxn = ToWire(n) },
        _ => throw new ArgumentException($"no wire form for {op.Op} in a txn", nameof(op)),
    };

    private KvOperation LeaseGrant() =>
        new(KvOperationKind.LeaseGrant, new Wire.LeaseGrantRequest { TTL = random.Next(LeaseTtlMinSeconds, LeaseTtlMaxSeconds + 1) }, null);

    private KvOperation LeaseOperation(KvClient client)
    {
        int roll = random.Next(0, 10);
        if (roll < 4)
        {
            string key = $"lease/{random.Next(0, LeaseKeysMax):D2}";
            return new(KvOperationKind.LeasePut, new Wire.PutRequest { Key = B(key), Value = B(NewValue(client)), Lease = client.LeaseId }, null);
        }
        if (roll < 9) return new(KvOperationKind.LeaseKeepAlive, new Wire.LeaseKeepAliveRequest { ID = client.LeaseId }, null);
        return new(KvOperationKind.LeaseRevoke, new Wire.LeaseRevokeRequest { ID = client.LeaseId }, null);
    }

    /// <summary>The session registration every client performs once.</summary>
    public static KvOperation RegisterSession() => new(KvOperationKind.RegisterSession, new Wire.RegisterSessionRequest(), null);
}
