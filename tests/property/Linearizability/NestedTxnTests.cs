using Cairn.Simulation.Checking.Linearizability;
using Cairn.Simulation.History;
using Xunit;
using static Cairn.Property.Tests.Linearizability.HistoryBuilder;

namespace Cairn.Property.Tests.Linearizability;

/// <summary>
/// Nested transactions (etcd's RequestOp.request_txn): every nested guard is decided on the state before the
/// outer transaction (etcd's compareToPath), the nested branch runs at the outer revision, and a nested
/// reply must match the branch taken.
/// </summary>
public sealed class NestedTxnTests
{
    private static readonly TxnRequest PutThenNestedGuardOnOldValue = new(
        [],
        [new PutRequest("x", "2"), new TxnRequest([new TxnCompare("x", CompareTarget.Value, CompareOperator.Equal, "1")], [new PutRequest("y", "a")], [new RangeRequest("y")])],
        []);

    [Fact]
    public void NestedGuardReadsTheStateBeforeTheOuterTxn()
    {
        var h = new HistoryBuilder().Put(0, "x", "1", 0, 10, 2)
            .Txn(1, PutThenNestedGuardOnOldValue, new TxnResponse(3, true, [new PutResponse(3), new TxnResponse(3, true, [new PutResponse(3)])]), 20, 30)
            .Get(2, "y", 40, 50, 3, Kvp("y", "a", 3, 3, 1))
            .Build();
        Assert.True(KvLinearizabilityChecker.Check(h).Ok);
    }

    [Fact]
    public void NestedGuardDecidedOnTheOuterTxnsOwnWriteIsRejected()
    {
        var h = new HistoryBuilder().Put(0, "x", "1", 0, 10, 2)
            .Txn(1, PutThenNestedGuardOnOldValue, new TxnResponse(3, true, [new PutResponse(3), new TxnResponse(3, false, [new RangeResponse(3, [])])]), 20, 30)
            .Build();
        Assert.False(KvLinearizabilityChecker.Check(h).Ok);
    }

    [Fact]
    public void FailingGuardsInBothBranchesRunTheNestedFailureBranches()
    {
        var never = new TxnCompare("y", CompareTarget.Value, CompareOperator.Equal, "never");
        var txn = new TxnRequest(
            [new TxnCompare("x", CompareTarget.Version, CompareOperator.Equal, Number: 5)],
            [new TxnRequest([never], [new PutRequest("y", "s")], [new PutRequest("z", "s")])],
            [new TxnRequest([never], [new PutRequest("y", "f")], [new PutRequest("z", "f")])]);
        var right = new HistoryBuilder().Put(0, "x", "1", 0, 10, 2)
            .Txn(1, txn, new TxnResponse(3, false, [new TxnResponse(3, false, [new PutResponse(3)])]), 20, 30)
            .Get(2, "z", 40, 50, 3, Kvp("z", "f", 3, 3, 1))
            .Build();
        Assert.True(KvLinearizabilityChecker.Check(right).Ok);
        var wrong = new HistoryBuilder().Put(0, "x", "1", 0, 10, 2)
            .Txn(1, txn, new TxnResponse(3, false, [new TxnResponse(3, false, [new PutResponse(3)])]), 20, 30)
            .Get(2, "z", 40, 50, 3, Kvp("z", "s", 3, 3, 1))
            .Build();
        Assert.False(KvLinearizabilityChecker.Check(wrong).Ok);
    }

    [Fact]
    public void NestedTxnRoundTripsThroughJson()
    {
        const string line = """{"type":"invoke","process":1,"op":"txn","args":{"compare":[],"success":[{"op":"txn","args":{"compare":[{"key":"y","target":"value","result":"equal","value":"never"}],"success":[],"failure":[{"op":"get","args":{"key":"y"}}]}}],"failure":[]},"time":5}""";
        HistoryEvent e = HistoryJsonReader.ParseLine(line);
        Assert.IsType<TxnRequest>(((TxnRequest)e.Request).Success[0]);
        Assert.Equal(line, HistoryJsonWriter.ToLine(e));
    }
}
