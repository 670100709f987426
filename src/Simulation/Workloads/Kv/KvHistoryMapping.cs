using Cairn.Simulation.History;
using Google.Protobuf;
using Wire = Cairn.Core.Kv.Wire;

namespace Cairn.Simulation.Workloads.Kv;

/// <summary>Translates etcd wire replies into the client-history form (docs/history-format.md).</summary>
internal static class KvHistoryMapping
{
    /// <summary>The history reply for a wire result of <paramref name="request"/>, or null when the result is a
    /// KV error that only means the request changed nothing. A "compacted" or "future revision" error of a
    /// read at a past revision or of a compaction is an observation the checker must explain, so it is kept.</summary>
    public static KvResponse? ToHistory(KvRequest request, Wire.KvResult result) => result.ResultCase switch
    {
        Wire.KvResult.ResultOneofCase.Error => Error(request, result.Error),
        Wire.KvResult.ResultOneofCase.Compaction => new CompactResponse(result.Compaction.Header.Revision),
        Wire.KvResult.ResultOneofCase.Range => Range(result.Range),
        Wire.KvResult.ResultOneofCase.Put => new PutResponse(result.Put.Header.Revision),
        Wire.KvResult.ResultOneofCase.DeleteRange => new DeleteResponse(result.DeleteRange.Header.Revision, result.DeleteRange.Deleted),
        Wire.KvResult.ResultOneofCase.Txn => Txn((TxnRequest)request, result.Txn),
        _ => null,
    };

    private static RangeResponse Range(Wire.RangeResponse r) =>
        new(r.Header.Revision, [.. r.Kvs.Select(kv => new KeyValue(Text(kv.Key), Text(kv.Value), kv.CreateRevision, kv.ModRevision, kv.Version))]);

    private static TxnResponse Txn(TxnRequest request, Wire.TxnResponse r)
    {
        var responses = new List<KvResponse>();
        foreach (Wire.ResponseOp op in r.Responses)
        {
            responses.Add(op.ResponseCase switch
            {
                Wire.ResponseOp.ResponseOneofCase.ResponseRange => Range(op.ResponseRange),
                Wire.ResponseOp.ResponseOneofCase.ResponsePut => new PutResponse(op.ResponsePut.Header?.Revision ?? r.Header.Revision),
                Wire.ResponseOp.ResponseOneofCase.ResponseDeleteRange => new DeleteResponse(op.ResponseDeleteRange.Header?.Revision ?? r.Header.Revision, op.ResponseDeleteRange.Deleted),
                Wire.ResponseOp.ResponseOneofCase.ResponseTxn => Txn((TxnRequest)NestedRequest(request, r.Succeeded, responses.Count), op.ResponseTxn),
                _ => throw new InvalidOperationException($"unexpected nested response {op.ResponseCase}"),
            });
        }
        return new TxnResponse(r.Header.Revision, r.Succeeded, responses);
    }

    private static KvErrorResponse? Error(KvRequest request, Wire.KvError error)
    {
        bool revisioned = request is CompactRequest or RangeRequest { Revision: > 0 };
        return (revisioned, error.Code) switch
        {
            (true, Wire.KvErrorCode.Compacted) => new KvErrorResponse(KvErrorResponse.Compacted),
            (true, Wire.KvErrorCode.FutureRevision) => new KvErrorResponse(KvErrorResponse.FutureRevision),
            _ => null,
        };
    }

    private static KvRequest NestedRequest(TxnRequest request, bool succeeded, int position) =>
        (succeeded ? request.Success : request.Failure)[position];

    private static string Text(ByteString bytes) => LargeValues.Tag(bytes);
}
