using Cairn.Simulation.History;

namespace Cairn.Property.Tests.Linearizability;

/// <summary>Writes hand-made KV histories in a few lines: one call per operation, times in ms.</summary>
internal sealed class HistoryBuilder
{
    private readonly List<HistoryOperation> _ops = [];

    public static KeyValue Kvp(string key, string value, long create, long mod, long version) => new(key, value, create, mod, version);

    public HistoryBuilder Put(int process, string key, string value, long call, long ret, long revision) =>
        Add(process, new PutRequest(key, value), new PutResponse(revision), call, ret);

    public HistoryBuilder PutUnknown(int process, string key, string value, long call) =>
        Add(process, new PutRequest(key, value), null, call, HistoryOperation.OpenReturnTime, OperationOutcome.Info);

    public HistoryBuilder PutFailed(int process, string key, string value, long call, long ret) =>
        Add(process, new PutRequest(key, value), null, call, ret, OperationOutcome.Fail);

    public HistoryBuilder Get(int process, string key, long call, long ret, long revision, params KeyValue[] kvs) =>
        Add(process, new RangeRequest(key), new RangeResponse(revision, kvs), call, ret);

    public HistoryBuilder Range(int process, string start, string end, long call, long ret, long revision, params KeyValue[] kvs) =>
        Add(process, new RangeRequest(start, end), new RangeResponse(revision, kvs), call, ret);

    public HistoryBuilder GetAt(int process, string key, long at, long call, long ret, long revision, params KeyValue[] kvs) =>
        Add(process, new RangeRequest(key, null, at), new RangeResponse(revision, kvs), call, ret);

    public HistoryBuilder GetAtError(int process, string key, long at, long call, long ret, string error) =>
        Add(process, new RangeRequest(key, null, at), new KvErrorResponse(error), call, ret);

    public HistoryBuilder Compact(int process, long revision, long call, long ret, long header) =>
        Add(process, new CompactRequest(revision), new CompactResponse(header), call, ret);

    public HistoryBuilder CompactError(int process, long revision, long call, long ret, string error) =>
        Add(process, new CompactRequest(revision), new KvErrorResponse(error), call, ret);

    public HistoryBuilder CompactUnknown(int process, long revision, long call) =>
        Add(process, new CompactRequest(revision), null, call, HistoryOperation.OpenReturnTime, OperationOutcome.Info);

    public HistoryBuilder Delete(int process, string key, long call, long ret, long revision, long deleted) =>
        Add(process, new DeleteRequest(key), new DeleteResponse(revision, deleted), call, ret);

    public HistoryBuilder Txn(int process, TxnRequest request, TxnResponse response, long call, long ret) =>
        Add(process, request, response, call, ret);

    public IReadOnlyList<HistoryOperation> Build() => _ops;

    private HistoryBuilder Add(int process, KvRequest request, KvResponse? response, long call, long ret, OperationOutcome outcome = OperationOutcome.Ok)
    {
        _ops.Add(new HistoryOperation(_ops.Count, process, request, response, outcome, call, ret));
        return this;
    }
}
