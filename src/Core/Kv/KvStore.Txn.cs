using Cairn.Core.Kv.Wire;

namespace Cairn.Core.Kv;

/// <summary>Txn execution, as etcd's applierV3backend.Txn: the branch taken by every (nested) txn is
/// decided from the state before the txn, the chosen ops are checked, then executed in one revision.</summary>
internal sealed partial class KvStore
{
    internal TxnResponse Txn(TxnRequest request)
    {
        RequestChecks.CheckTxn(request, _options.TxnOpsMax);
        long before = Backend.CurrentRevision;
        var path = new List<bool>();
        ChoosePath(request, before, path);
        CheckPath(request, new Queue<bool>(path));
        WriteTxn txn = Begin();
        TxnResponse response = Execute(txn, request, new Queue<bool>(path));
        response.Header.Revision = txn.End();
        return response;
    }

    /// <summary>etcd's compareToPath: the outcome of every nested txn on the taken branches, depth first.</summary>
    private void ChoosePath(TxnRequest request, long atRevision, List<bool> path)
    {
        bool succeeded = TxnCompare.All(Backend, request.Compare, atRevision);
        path.Add(succeeded);
        foreach (RequestOp op in succeeded ? request.Success : request.Failure)
        {
            if (op.RequestCase == RequestOp.RequestOneofCase.RequestTxn)
            {
                ChoosePath(op.RequestTxn, atRevision, path);
            }
        }
    }

    private void CheckPath(TxnRequest request, Queue<bool> path)
    {
        foreach (RequestOp op in path.Dequeue() ? request.Success : request.Failure)
        {
            switch (op.RequestCase)
            {
                case RequestOp.RequestOneofCase.RequestPut: CheckPutAgainstState(op.RequestPut); break;
                case RequestOp.RequestOneofCase.RequestRange: CheckRangeAgainstState(op.RequestRange); break;
                case RequestOp.RequestOneofCase.RequestTxn: CheckPath(op.RequestTxn, path); break;
            }
        }
    }

    private static TxnResponse Execute(WriteTxn txn, TxnRequest request, Queue<bool> path)
    {
        bool succeeded = path.Dequeue();
        var response = new TxnResponse { Succeeded = succeeded };
        foreach (RequestOp op in succeeded ? request.Success : request.Failure)
        {
            response.Responses.Add(op.RequestCase switch
            {
                RequestOp.RequestOneofCase.RequestRange => new ResponseOp { ResponseRange = txn.Range(op.RequestRange) },
                RequestOp.RequestOneofCase.RequestPut => new ResponseOp { ResponsePut = txn.Put(op.RequestPut) },
                RequestOp.RequestOneofCase.RequestDeleteRange => new ResponseOp { ResponseDeleteRange = txn.Delete(op.RequestDeleteRange) },
                _ => new ResponseOp { ResponseTxn = Execute(txn, op.RequestTxn, path) },
            });
        }
        response.Header = new ResponseHeader { Revision = txn.VisibleRevision };
        return response;
    }
}
