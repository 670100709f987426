using Cairn.Core.Kv.Wire;
using Google.Protobuf;
using SortOrder = Cairn.Core.Kv.Wire.RangeRequest.Types.SortOrder;
using SortTarget = Cairn.Core.Kv.Wire.RangeRequest.Types.SortTarget;

namespace Cairn.Property.Tests.Kv;

/// <summary>
/// A deliberately naive etcd model: a full copy of the key space for every revision, leases as a
/// map of id to TTL (attachment derived from the live values). Supports flat txns only.
/// </summary>
internal sealed class ReferenceModel
{
    private const long MinTtl = 2;
    private readonly List<SortedDictionary<string, KeyValue>> _states = new() { new(StringComparer.Ordinal), new(StringComparer.Ordinal) };
    private readonly SortedDictionary<long, long> _leases = new();
    private long _compacted;
    private long _lastPickedLease;

    private long Current => _states.Count - 1;

    private static KvResult Error(KvErrorCode code) => new() { Error = new KvError { Code = code } };

    private static string S(ByteString b) => b.ToStringUtf8();

    internal KvResult Apply(KvCommand c) => c.RequestCase switch
    {
        KvCommand.RequestOneofCase.Put => Single(new RequestOp { RequestPut = c.Put }, r => new KvResult { Put = r.ResponsePut }),
        KvCommand.RequestOneofCase.DeleteRange => Single(new RequestOp { RequestDeleteRange = c.DeleteRange }, r => new KvResult { DeleteRange = r.ResponseDeleteRange }),
        KvCommand.RequestOneofCase.Txn => Txn(c.Txn),
        KvCommand.RequestOneofCase.Compaction => Compact(c.Compaction.Revision),
        KvCommand.RequestOneofCase.LeaseGrant => Grant(c.LeaseGrant.TTL),
        KvCommand.RequestOneofCase.LeaseRevoke => Revoke(c.LeaseRevoke.ID),
        _ => throw new InvalidOperationException("model does not know " + c.RequestCase),
    };

    internal KvResult Read(RangeRequest r)
    {
        if (r.Revision > Current) return Error(KvErrorCode.FutureRevision);
        long rev = r.Revision <= 0 ? Current : r.Revision;
        if (rev < _compacted) return Error(KvErrorCode.Compacted);
        return new KvResult { Range = RangeOf(_states[(int)rev], r, Current) };
    }

    private KvResult Single(RequestOp op, Func<ResponseOp, KvResult> wrap)
    {
        KvResult r = Txn(new TxnRequest { Success = { op } });
        return r.Txn is null ? r : wrap(r.Txn.Responses[0]);
    }

    private KvResult Compact(long rev)
    {
        if (rev <= _compacted) return Error(KvErrorCode.Compacted);
        if (rev > Current) return Error(KvErrorCode.FutureRevision);
        _compacted = rev;
        return new KvResult { Compaction = new CompactionResponse { Header = new ResponseHeader { Revision = Current } } };
    }

    private KvResult Grant(long ttl)
    {
        long id = _lastPickedLease + 1;
        while (_leases.ContainsKey(id)) id++;
        _lastPickedLease = id;
        _leases[id] = Math.Max(ttl, MinTtl);
        return new KvResult { LeaseGrant = new LeaseGrantResponse { Header = new ResponseHeader { Revision = Current }, ID = id, TTL = _leases[id] } };
    }

    private KvResult Revoke(long id)
    {
        if (!_leases.Remove(id)) return Error(KvErrorCode.LeaseNotFound);
        var next = new SortedDictionary<string, KeyValue>(_states[^1], StringComparer.Ordinal);
        var doomed = next.Where(p => p.Value.Lease == id).Select(p => p.Key).ToList();
        foreach (string k in doomed) next.Remove(k);
        if (doomed.Count > 0) _states.Add(next);
        return new KvResult { LeaseRevoke = new LeaseRevokeResponse { Header = new ResponseHeader { Revision = Current } } };
    }

    private KvResult Txn(TxnRequest t)
    {
        if (HasDuplicateKey(t.Success) || HasDuplicateKey(t.Failure)) return Error(KvErrorCode.DuplicateKeyInTxn);
        var before = _states[^1];
        bool ok = t.Compare.All(c => Holds(before, c));
        var ops = ok ? t.Success : t.Failure;
        foreach (RequestOp op in ops)
        {
            if (op.RequestPut is { } p && p.Lease != 0 && !_leases.ContainsKey(p.Lease)) return Error(KvErrorCode.LeaseNotFound);
            if (op.RequestRange is { } r && r.Revision > Current) return Error(KvErrorCode.FutureRevision);
            if (op.RequestRange is { } r2 && r2.Revision > 0 && r2.Revision < _compacted) return Error(KvErrorCode.Compacted);
        }
        var work = new SortedDictionary<string, KeyValue>(before, StringComparer.Ordinal);
        long writeRev = Current + 1;
        bool wrote = false;
        var response = new TxnResponse { Succeeded = ok };
        foreach (RequestOp op in ops)
        {
            long visible = wrote ? writeRev : Current;
            if (op.RequestRange is { } r)
            {
                var state = r.Revision <= 0 ? work : _states[(int)r.Revision];
                response.Responses.Add(new ResponseOp { ResponseRange = RangeOf(state, r, visible) });
            }
            else if (op.RequestPut is { } p)
            {
                work.TryGetValue(S(p.Key), out KeyValue? prev);
                work[S(p.Key)] = new KeyValue { Key = p.Key, Value = p.Value, Lease = p.Lease, ModRevision = writeRev, CreateRevision = prev?.CreateRevision ?? writeRev, Version = (prev?.Version ?? 0) + 1 };
                var pr = new PutResponse { Header = new ResponseHeader { Revision = writeRev } };
                if (p.PrevKv && prev is not null) pr.PrevKv = prev.Clone();
                response.Responses.Add(new ResponseOp { ResponsePut = pr });
                wrote = true;
            }
            else if (op.RequestDeleteRange is { } d)
            {
                var doomed = work.Values.Where(kv => InRange(S(kv.Key), S(d.Key), S(d.RangeEnd))).ToList();
                var dr = new DeleteRangeResponse { Deleted = doomed.Count };
                foreach (var kv in doomed) { work.Remove(S(kv.Key)); if (d.PrevKv) dr.PrevKvs.Add(kv.Clone()); }
                wrote |= doomed.Count > 0;
                dr.Header = new ResponseHeader { Revision = doomed.Count > 0 ? writeRev : visible };
                response.Responses.Add(new ResponseOp { ResponseDeleteRange = dr });
            }
        }
        if (wrote) _states.Add(work);
        response.Header = new ResponseHeader { Revision = Current };
        return new KvResult { Txn = response };
    }

    private static bool HasDuplicateKey(IEnumerable<RequestOp> ops)
    {
        var puts = ops.Where(o => o.RequestPut is not null).Select(o => S(o.RequestPut.Key)).ToList();
        var dels = ops.Where(o => o.RequestDeleteRange is not null).Select(o => o.RequestDeleteRange).ToList();
        return puts.Distinct().Count() != puts.Count || puts.Any(k => dels.Any(d => InRange(k, S(d.Key), S(d.RangeEnd))));
    }

    private static bool Holds(SortedDictionary<string, KeyValue> state, Compare c)
    {
        var kvs = state.Values.Where(kv => InRange(S(kv.Key), S(c.Key), S(c.RangeEnd))).ToList();
        if (kvs.Count == 0)
        {
            if (c.Target == Compare.Types.CompareTarget.Value) return false;
            kvs.Add(new KeyValue());
        }
        return kvs.All(kv =>
        {
            int o = c.Target switch
            {
                Compare.Types.CompareTarget.Value => Math.Sign(string.CompareOrdinal(S(kv.Value), S(c.Value))),
                Compare.Types.CompareTarget.Version => kv.Version.CompareTo(c.Version),
                Compare.Types.CompareTarget.Create => kv.CreateRevision.CompareTo(c.CreateRevision),
                Compare.Types.CompareTarget.Mod => kv.ModRevision.CompareTo(c.ModRevision),
                _ => kv.Lease.CompareTo(c.Lease),
            };
            return c.Result switch
            {
                Compare.Types.CompareResult.Equal => o == 0,
                Compare.Types.CompareResult.NotEqual => o != 0,
                Compare.Types.CompareResult.Greater => o > 0,
                _ => o < 0,
            };
        });
    }

    internal static bool InRange(string k, string key, string end)
    {
        if (end.Length == 0) return k == key;
        if (end == "\0") return string.CompareOrdinal(k, key) >= 0;
        return string.CompareOrdinal(k, key) >= 0 && string.CompareOrdinal(k, end) < 0;
    }

    private static RangeResponse RangeOf(SortedDictionary<string, KeyValue> state, RangeRequest r, long headerRev)
    {
        var all = state.Values.Where(kv => InRange(S(kv.Key), S(r.Key), S(r.RangeEnd))).ToList();
        var resp = new RangeResponse { Header = new ResponseHeader { Revision = headerRev }, Count = all.Count };
        if (r.CountOnly) return resp;
        var kept = all.Where(kv => (r.MinModRevision == 0 || kv.ModRevision >= r.MinModRevision)
                                && (r.MaxModRevision == 0 || kv.ModRevision <= r.MaxModRevision)
                                && (r.MinCreateRevision == 0 || kv.CreateRevision >= r.MinCreateRevision)
                                && (r.MaxCreateRevision == 0 || kv.CreateRevision <= r.MaxCreateRevision));
        Func<KeyValue, long> num = r.SortTarget switch
        {
            SortTarget.Version => kv => kv.Version,
            SortTarget.Create => kv => kv.CreateRevision,
            SortTarget.Mod => kv => kv.ModRevision,
            _ => kv => 0,
        };
        var asc = r.SortTarget == SortTarget.Value
            ? kept.OrderBy(kv => S(kv.Value), StringComparer.Ordinal).ThenBy(kv => S(kv.Key), StringComparer.Ordinal).ToList()
            : kept.OrderBy(num).ThenBy(kv => S(kv.Key), StringComparer.Ordinal).ToList();
        if (r.SortOrder == SortOrder.Descend) asc.Reverse();
        if (r.Limit > 0 && asc.Count > r.Limit) { asc = asc.Take((int)r.Limit).ToList(); resp.More = true; }
        foreach (var kv in asc)
        {
            var copy = kv.Clone();
            if (r.KeysOnly) copy.Value = ByteString.Empty;
            resp.Kvs.Add(copy);
        }
        return resp;
    }
}
