using Cairn.Core.Kv.Wire;
using Grpc.Core;
using KV = Cairn.Host.Api.Wire.KV;

namespace Cairn.Host.Api;

/// <summary>etcdserverpb.KV: Range, Put, DeleteRange, Txn and Compact.</summary>
internal sealed class KvService(NodeCalls calls) : KV.KVBase
{
    public override async Task<RangeResponse> Range(RangeRequest request, ServerCallContext context)
    {
        KvResult result = await calls.Call(request, (kv, id) => kv.Range(id, request), context).ConfigureAwait(false);
        result.Range.Header = calls.Stamp(result.Range.Header);
        return result.Range;
    }

    public override async Task<PutResponse> Put(PutRequest request, ServerCallContext context)
    {
        KvResult result = await calls.Call(request, (kv, id) => kv.Put(id, request), context).ConfigureAwait(false);
        result.Put.Header = calls.Stamp(result.Put.Header);
        return result.Put;
    }

    public override async Task<DeleteRangeResponse> DeleteRange(DeleteRangeRequest request, ServerCallContext context)
    {
        KvResult result = await calls.Call(request, (kv, id) => kv.DeleteRange(id, request), context).ConfigureAwait(false);
        result.DeleteRange.Header = calls.Stamp(result.DeleteRange.Header);
        return result.DeleteRange;
    }

    public override async Task<TxnResponse> Txn(TxnRequest request, ServerCallContext context)
    {
        KvResult result = await calls.Call(request, (kv, id) => kv.Txn(id, request), context).ConfigureAwait(false);
        result.Txn.Header = calls.Stamp(result.Txn.Header);
        return result.Txn;
    }

    public override async Task<CompactionResponse> Compact(CompactionRequest request, ServerCallContext context)
    {
        KvResult result = await calls.Call(request, (kv, id) => kv.Compact(id, request), context).ConfigureAwait(false);
        result.Compaction.Header = calls.Stamp(result.Compaction.Header);
        return result.Compaction;
    }
}
