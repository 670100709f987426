using Cairn.Core.Kv.Wire;

namespace Cairn.Core.Kv;

/// <summary>
/// The replicated KV data (MVCC backend plus lease table) and the execution of each write request
/// against it with etcd's semantics. Every request is checked completely before its first write,
/// so a refused request changes nothing.
/// </summary>
internal sealed partial class KvStore
{
    private readonly KvOptions _options;
    private readonly KvBugs _bugs;

    internal KvStore(IMvccBackend backend, KvOptions options, KvBugs bugs)
    {
        Backend = backend;
        _options = options;
        _bugs = bugs;
    }

    internal IMvccBackend Backend { get; }

    internal LeaseTable Leases { get; } = new();

    /// <summary>Events of revisions committed since the last <see cref="TakeCommitted"/>.</summary>
    private List<RevisionEvents> Committed { get; set; } = new();

    internal List<RevisionEvents> TakeCommitted()
    {
        List<RevisionEvents> committed = Committed;
        Committed = new List<RevisionEvents>();
        return committed;
    }

    internal RangeResponse Range(RangeRequest request)
    {
        RequestChecks.CheckRange(request);
        return RangeQuery.Execute(Backend, request, Backend.CurrentRevision);
    }

    internal PutResponse Put(PutRequest request)
    {
        RequestChecks.CheckPut(request);
        CheckPutAgainstState(request);
        WriteTxn txn = Begin();
        PutResponse response = txn.Put(request);
        response.Header.Revision = txn.End();
        return response;
    }

    internal DeleteRangeResponse DeleteRange(DeleteRangeRequest request)
    {
        RequestChecks.CheckDelete(request);
        WriteTxn txn = Begin();
        DeleteRangeResponse response = txn.Delete(request);
        response.Header.Revision = txn.End();
        return response;
    }

    internal CompactionResponse Compact(CompactionRequest request)
    {
        if (request.Revision <= Backend.CompactRevision)
        {
            throw new KvRequestException(KvErrorCode.Compacted,
                $"mvcc: required revision {request.Revision} has been compacted (compacted at {Backend.CompactRevision})");
        }
        if (request.Revision > Backend.CurrentRevision)
        {
            throw new KvRequestException(KvErrorCode.FutureRevision,
                $"mvcc: required revision {request.Revision} is a future revision (current {Backend.CurrentRevision})");
        }
        Backend.BeginCompact(request.Revision); // the revisions go in slices between inputs (KvStateMachine.CompactSlice)
        return new CompactionResponse { Header = Header() };
    }

    private WriteTxn Begin() => new(Backend, Leases, _bugs.NonAtomicTxn, Committed);

    private ResponseHeader Header() => new() { Revision = Backend.CurrentRevision };

    /// <summary>etcd's checkPut: ignore_value/ignore_lease need a live key; a lease must exist.</summary>
    private void CheckPutAgainstState(PutRequest request)
    {
        long lease = request.Lease;
        if (request.IgnoreValue || request.IgnoreLease)
        {
            KeyValue? prev = Backend.Get(request.Key, Backend.CurrentRevision);
            if (prev is null)
            {
                throw new KvRequestException(KvErrorCode.KeyNotFound, "etcdserver: key not found");
            }
            lease = request.IgnoreLease ? prev.Lease : lease;
        }
        if (lease != 0 && !Leases.Contains(lease))
        {
            throw new KvRequestException(KvErrorCode.LeaseNotFound, "lease not found");
        }
    }

    private void CheckRangeAgainstState(RangeRequest request)
    {
        RangeQuery.ReadRevision(Backend, request.Revision, Backend.CurrentRevision);
    }
}
