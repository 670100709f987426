using Cairn.Simulation.History;

namespace Cairn.Simulation.Checking.Linearizability.Kv;

/// <summary>
/// The sequential specification of etcd's KV API with revisions, restricted to one partition of
/// keys (docs/linearizability.md, "Revisions"). Per key it checks value, version, create and mod
/// revisions; across the partition it forces writes into increasing revision order and read
/// headers to be at least the revision floor. Unknown outcomes (null replies) apply with a
/// revision known only as a lower bound, which a later read may pin down. Reads at a past revision
/// and compactions are checked against the partition's write log and compaction revision
/// (<c>KvModel.History.cs</c>).
/// </summary>
public readonly partial struct KvModel : ISequentialModel<KvState, KvRequest, KvResponse>
{
    /// <inheritdoc />
    public KvState Init() => new([], 0, null, 0);

    /// <inheritdoc />
    public bool Step(in KvState state, KvRequest input, KvResponse? output, out KvState next)
    {
        var table = new KeyTable(state.Keys, state.Log);
        long floor = state.RevisionFloor;
        long compacted = state.CompactRevision;
        bool ok = input switch
        {
            RangeRequest { Revision: > 0 } r => StepHistoricalRange(in table, ref floor, compacted, r, output),
            CompactRequest c => StepCompact(ref floor, ref compacted, c, output),
            RangeRequest r => StepRange(ref table, ref floor, r, output as RangeResponse, output is null),
            PutRequest p => StepPut(ref table, ref floor, p, output as PutResponse, output is null),
            DeleteRequest d => StepDelete(ref table, ref floor, d, output as DeleteResponse, output is null),
            TxnRequest t => StepTxn(ref table, ref floor, t, output as TxnResponse, output is null),
            _ => false,
        };
        next = ok ? new KvState(table.Keys, floor, table.Log, compacted) : default;
        return ok;
    }

    /// <inheritdoc />
    public IReadOnlyList<HistoryPartition> Partition(IReadOnlyList<ModelOperation<KvRequest, KvResponse>> history) =>
        KeyPartitioner.Partition(history);

    /// <inheritdoc />
    public IReadOnlyList<int> UnexplainedOperations(IReadOnlyList<ModelOperation<KvRequest, KvResponse>> history) =>
        KvObservations.Unexplained(history);

    /// <inheritdoc />
    public string Describe(KvRequest input, KvResponse? output) => KvDescription.Describe(input, output);

    private static bool StepRange(ref KeyTable table, ref long floor, RangeRequest r, RangeResponse? output, bool unknown)
    {
        if (unknown)
        {
            return true;
        }

        if (output is null || output.Revision < floor || !MatchKvs(ref table, r.Key, r.RangeEnd, output.Kvs, output.Revision))
        {
            return false;
        }

        floor = output.Revision;
        return true;
    }

    private static bool StepPut(ref KeyTable table, ref long floor, PutRequest p, PutResponse? output, bool unknown)
    {
        if (!unknown && (output is null || output.Revision <= floor))
        {
            return false;
        }

        long revision = unknown ? Revision.Above(floor) : output!.Revision;
        table.Put(p.Key, p.Value, revision);
        floor = unknown ? floor + 1 : revision;
        return true;
    }

    private static bool StepDelete(ref KeyTable table, ref long floor, DeleteRequest d, DeleteResponse? output, bool unknown)
    {
        int deleted = table.Delete(d.Key, d.RangeEnd, unknown ? Revision.Above(floor) : output?.Revision ?? 0);
        if (unknown)
        {
            floor += deleted > 0 ? 1 : 0;
            return true;
        }

        if (output is null || output.Deleted != deleted || !AdvancesFloor(output.Revision, floor, wrote: deleted > 0))
        {
            return false;
        }

        floor = output.Revision;
        return true;
    }

    /// <summary>A write takes a revision above the floor; a read (or a write that changed nothing) sees at least the floor.</summary>
    private static bool AdvancesFloor(long revision, long floor, bool wrote) => wrote ? revision > floor : revision >= floor;

    /// <summary>
    /// Checks that <paramref name="kvs"/> is exactly the partition's keys in the range, learning
    /// revisions the model only knew as lower bounds.
    /// </summary>
    private static bool MatchKvs(ref KeyTable table, string start, string? end, IReadOnlyList<KeyValue> kvs, long header)
    {
        (int low, int high) = table.Locate(start, end);
        if (high - low != kvs.Count)
        {
            return false;
        }

        for (int i = 0; i < kvs.Count; i++)
        {
            KeyRecord have = table.Span[low + i];
            KeyValue seen = kvs[i];
            if (have.Key != seen.Key || have.Value != seen.Value || have.Version != seen.Version ||
                !Revision.Admits(have.CreateRevision, seen.CreateRevision) || !Revision.Admits(have.ModRevision, seen.ModRevision) ||
                seen.ModRevision > header)
            {
                return false;
            }

            if (!Revision.IsKnown(have.CreateRevision) || !Revision.IsKnown(have.ModRevision))
            {
                table.Set(low + i, have with { CreateRevision = seen.CreateRevision, ModRevision = seen.ModRevision });
            }
        }

        return true;
    }
}
