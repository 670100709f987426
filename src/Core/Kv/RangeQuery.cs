using Cairn.Core.Kv.Wire;
using SortOrder = Cairn.Core.Kv.Wire.RangeRequest.Types.SortOrder;
using SortTarget = Cairn.Core.Kv.Wire.RangeRequest.Types.SortTarget;

namespace Cairn.Core.Kv;

/// <summary>
/// Answers a <see cref="RangeRequest"/> the way etcd's applier does: fetch every live key of the
/// range, drop those outside the mod/create revision filters, sort, then cut at the limit.
/// <c>count</c> is the number of live keys in the range before filters and limit (as etcd);
/// <c>more</c> says the filtered, sorted list was longer than the limit.
/// </summary>
internal static class RangeQuery
{
    /// <param name="backend">The store.</param>
    /// <param name="request">The (already validated) request.</param>
    /// <param name="visibleRevision">The newest revision this read may see: the current revision,
    /// or inside a writing txn the revision being built.</param>
    internal static RangeResponse Execute(IMvccBackend backend, RangeRequest request, long visibleRevision)
    {
        long revision = ReadRevision(backend, request.Revision, visibleRevision);
        var range = KeyRange.From(request.Key, request.RangeEnd);
        var response = new RangeResponse
        {
            Header = new ResponseHeader { Revision = visibleRevision },
            Count = backend.Count(range, revision),
        };
        if (request.CountOnly)
        {
            return response;
        }
        if (InKeyOrderUnfiltered(request))
        {
            return Page(backend, request, range, revision, response);
        }
        var kvs = new List<KeyValue>(backend.Range(range, revision));
        kvs.RemoveAll(kv => !PassesFilters(request, kv));
        Sort(kvs, request.SortOrder, request.SortTarget);
        if (request.Limit > 0 && kvs.Count > request.Limit)
        {
            kvs.RemoveRange((int)request.Limit, kvs.Count - (int)request.Limit);
            response.More = true;
        }
        foreach (KeyValue kv in kvs)
        {
            KeyValue copy = kv.Clone();
            if (request.KeysOnly)
            {
                copy.Value = Google.Protobuf.ByteString.Empty;
            }
            response.Kvs.Add(copy);
        }
        return response;
    }

    /// <summary>True when the answer is a prefix of the store's key order: no filters, key-ascending order.</summary>
    private static bool InKeyOrderUnfiltered(RangeRequest r) =>
        r.MaxModRevision == 0 && r.MinModRevision == 0 && r.MaxCreateRevision == 0 && r.MinCreateRevision == 0
        && (r.SortOrder == SortOrder.None ? r.SortTarget == SortTarget.Key : r.SortOrder == SortOrder.Ascend && r.SortTarget == SortTarget.Key);

    /// <summary>A page in key order: the limit (one more, to learn <c>more</c>) and keys_only reach the store,
    /// so the page costs O(limit) reads besides the count.</summary>
    private static RangeResponse Page(IMvccBackend backend, RangeRequest request, KeyRange range, long revision, RangeResponse response)
    {
        long fetch = request.Limit is > 0 and < long.MaxValue ? request.Limit + 1 : 0;
        foreach (KeyValue kv in backend.Range(range, revision, fetch, request.KeysOnly))
        {
            if (request.Limit > 0 && response.Kvs.Count == request.Limit)
            {
                response.More = true;
                break;
            }
            response.Kvs.Add(kv.Clone());
        }
        return response;
    }

    /// <summary>Resolves a requested revision (0 = newest visible) and checks it against compaction.</summary>
    internal static long ReadRevision(IMvccBackend backend, long requested, long visibleRevision)
    {
        if (requested > visibleRevision)
        {
            throw new KvRequestException(KvErrorCode.FutureRevision,
                $"mvcc: required revision {requested} is a future revision (current {visibleRevision})");
        }
        long revision = requested <= 0 ? visibleRevision : requested;
        if (revision < backend.CompactRevision)
        {
            throw new KvRequestException(KvErrorCode.Compacted,
                $"mvcc: required revision {revision} has been compacted (compacted at {backend.CompactRevision})");
        }
        return revision;
    }

    private static bool PassesFilters(RangeRequest r, KeyValue kv)
    {
        return (r.MaxModRevision == 0 || kv.ModRevision <= r.MaxModRevision)
            && (r.MinModRevision == 0 || kv.ModRevision >= r.MinModRevision)
            && (r.MaxCreateRevision == 0 || kv.CreateRevision <= r.MaxCreateRevision)
            && (r.MinCreateRevision == 0 || kv.CreateRevision >= r.MinCreateRevision);
    }

    /// <summary>Sorts like etcd, except ties are broken by key (etcd's sort is unstable).
    /// As in etcd, a non-key target with order NONE sorts ascending.</summary>
    private static void Sort(List<KeyValue> kvs, SortOrder order, SortTarget target)
    {
        if (order == SortOrder.None && target != SortTarget.Key)
        {
            order = SortOrder.Ascend;
        }
        if (order == SortOrder.None || (order == SortOrder.Ascend && target == SortTarget.Key))
        {
            return; // the backend already yields ascending key order
        }
        Comparison<KeyValue> byTarget = target switch
        {
            SortTarget.Version => static (a, b) => a.Version.CompareTo(b.Version),
            SortTarget.Create => static (a, b) => a.CreateRevision.CompareTo(b.CreateRevision),
            SortTarget.Mod => static (a, b) => a.ModRevision.CompareTo(b.ModRevision),
            SortTarget.Value => static (a, b) => a.Value.Span.SequenceCompareTo(b.Value.Span),
            _ => static (a, b) => 0,
        };
        int sign = order == SortOrder.Descend ? -1 : 1;
        kvs.Sort((a, b) =>
        {
            int c = byTarget(a, b);
            return sign * (c != 0 ? c : KeyOrder.Instance.Compare(a.Key, b.Key));
        });
    }
}
