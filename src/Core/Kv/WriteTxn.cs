using Cairn.Core.Kv.Wire;
using Google.Protobuf;

namespace Cairn.Core.Kv;

/// <summary>
/// One write transaction: every write gets the same main revision (current + 1) and the next
/// sub-revision; reads see earlier writes of the same transaction; <see cref="End"/> commits the
/// revision only if something was written. Mirrors etcd's storeTxnWrite.
/// </summary>
internal sealed class WriteTxn
{
    private readonly IMvccBackend _backend;
    private readonly LeaseTable _leases;
    private readonly bool _commitEachWrite;
    private readonly List<RevisionEvents> _committed;
    private List<Event> _events = new();
    private int _sub;

    internal WriteTxn(IMvccBackend backend, LeaseTable leases, bool commitEachWrite, List<RevisionEvents> committed)
    {
        _backend = backend;
        _leases = leases;
        _commitEachWrite = commitEachWrite;
        _committed = committed;
        BeginRevision = backend.CurrentRevision;
    }

    /// <summary>The current revision when the transaction began.</summary>
    internal long BeginRevision { get; }

    /// <summary>The newest revision reads inside the transaction see (etcd: begin, +1 after a write).</summary>
    internal long VisibleRevision => _backend.CurrentRevision + (_events.Count > 0 ? 1 : 0);

    /// <summary>The revision of this transaction's writes.</summary>
    private long WriteRevision => _backend.CurrentRevision + 1;

    internal KeyValue? Get(ByteString key) => _backend.Get(key, VisibleRevision);

    internal RangeResponse Range(RangeRequest request) => RangeQuery.Execute(_backend, request, VisibleRevision);

    internal PutResponse Put(PutRequest request)
    {
        KeyValue? prev = Get(request.Key);
        Invariant.Holds(prev is not null || !(request.IgnoreValue || request.IgnoreLease), "checked before writing");
        long lease = request.IgnoreLease ? prev!.Lease : request.Lease;
        var kv = new KeyValue
        {
            Key = request.Key,
            Value = request.IgnoreValue ? prev!.Value : request.Value,
            CreateRevision = prev?.CreateRevision ?? WriteRevision,
            ModRevision = WriteRevision,
            Version = (prev?.Version ?? 0) + 1,
            Lease = lease,
        };
        Write(request.Key, kv, prev);
        if (prev is not null && prev.Lease != 0 && prev.Lease != lease)
        {
            _leases.Detach(prev.Lease, request.Key);
        }
        if (lease != 0)
        {
            _leases.Attach(lease, request.Key);
        }
        var response = new PutResponse { Header = new ResponseHeader { Revision = kv.ModRevision } };
        if (request.PrevKv && prev is not null)
        {
            response.PrevKv = prev.Clone();
        }
        AfterWrite();
        return response;
    }

    internal DeleteRangeResponse Delete(DeleteRangeRequest request)
    {
        var doomed = _backend.Range(KeyRange.From(request.Key, request.RangeEnd), VisibleRevision).ToList();
        var response = new DeleteRangeResponse { Deleted = doomed.Count };
        foreach (KeyValue prev in doomed)
        {
            Write(prev.Key, null, prev);
            if (prev.Lease != 0)
            {
                _leases.Detach(prev.Lease, prev.Key);
            }
            if (request.PrevKv)
            {
                response.PrevKvs.Add(prev.Clone());
            }
        }
        response.Header = new ResponseHeader { Revision = doomed.Count > 0 ? WriteRevision : VisibleRevision };
        if (doomed.Count > 0)
        {
            AfterWrite();
        }
        return response;
    }

    /// <summary>Commits the revision if anything was written; returns the resulting current revision.</summary>
    internal long End()
    {
        if (_events.Count > 0)
        {
            Commit();
        }
        return _backend.CurrentRevision;
    }

    private void Write(ByteString key, KeyValue? kv, KeyValue? prev)
    {
        _backend.Write(key, _sub++, kv);
        var ev = kv is null
            ? new Event { Type = Event.Types.EventType.Delete, Kv = new KeyValue { Key = key, ModRevision = WriteRevision } }
            : new Event { Type = Event.Types.EventType.Put, Kv = kv };
        if (prev is not null)
        {
            ev.PrevKv = prev;
        }
        _events.Add(ev);
    }

    private void AfterWrite()
    {
        if (_commitEachWrite)
        {
            Commit(); // canary NonAtomicTxn: every write op gets its own revision
        }
    }

    private void Commit()
    {
        _backend.Commit();
        _committed.Add(new RevisionEvents(_backend.CurrentRevision, _events));
        _events = new List<Event>();
        _sub = 0;
    }
}
