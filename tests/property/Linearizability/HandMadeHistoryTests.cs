using Cairn.Simulation.Checking.Linearizability;
using Cairn.Simulation.History;
using Xunit;
using static Cairn.Property.Tests.Linearizability.HistoryBuilder;

namespace Cairn.Property.Tests.Linearizability;

/// <summary>Small histories whose verdict is known by hand (Herlihy and Wing's definition).</summary>
public sealed class HandMadeHistoryTests
{
    [Fact]
    public void SequentialPutThenGetIsLinearizable()
    {
        var h = new HistoryBuilder()
            .Put(0, "x", "1", 0, 10, 2)
            .Get(1, "x", 20, 30, 2, Kvp("x", "1", 2, 2, 1))
            .Build();
        Assert.True(KvLinearizabilityChecker.Check(h).Ok);
    }

    [Fact]
    public void ConcurrentWritesMayBeSeenInEitherRevisionOrder()
    {
        var h = new HistoryBuilder()
            .Put(0, "x", "a", 0, 100, 3)
            .Put(1, "x", "b", 0, 100, 2)
            .Get(2, "x", 110, 120, 3, Kvp("x", "a", 2, 3, 2))
            .Build();
        Assert.True(KvLinearizabilityChecker.Check(h).Ok);
    }

    [Fact]
    public void StaleReadAfterCompletedWriteIsRejectedByPartitionSearch()
    {
        var h = new HistoryBuilder()
            .Put(0, "x", "1", 0, 10, 2)
            .Put(0, "x", "2", 20, 30, 3)
            .Get(1, "x", 40, 50, 3, Kvp("x", "1", 2, 2, 1))
            .Build();
        LinearizabilityResult result = KvLinearizabilityChecker.Check(h);
        Assert.Equal(SearchVerdict.NotLinearizable, result.Verdict);
        Assert.Equal(ViolationKind.PartitionSearch, result.Violation);
        Assert.Equal("x", result.PartitionKey);
        Assert.Equal(3, result.MinimalCounterexample.Count);
    }

    [Fact]
    public void LostWriteIsRejected()
    {
        var h = new HistoryBuilder()
            .Put(0, "x", "1", 0, 10, 2)
            .Get(1, "x", 20, 30, 2)
            .Build();
        Assert.False(KvLinearizabilityChecker.Check(h).Ok);
    }

    [Fact]
    public void ConcurrentWritesObservedInTwoOrdersAreRejected()
    {
        var h = new HistoryBuilder()
            .Put(0, "x", "a", 0, 100, 2)
            .Put(1, "x", "b", 0, 100, 3)
            .Get(2, "x", 10, 20, 2, Kvp("x", "a", 2, 2, 1))
            .Get(3, "x", 30, 40, 3, Kvp("x", "b", 2, 3, 2))
            .Get(2, "x", 50, 60, 3, Kvp("x", "a", 2, 2, 1))
            .Build();
        LinearizabilityResult result = KvLinearizabilityChecker.Check(h);
        Assert.False(result.Ok);
        Assert.Equal(ViolationKind.PartitionSearch, result.Violation);
    }

    [Fact]
    public void NonAtomicTxnIsRejected()
    {
        var txn = new TxnRequest([], [new PutRequest("x", "1"), new PutRequest("y", "1")], []);
        var h = new HistoryBuilder()
            .Put(0, "x", "0", 0, 5, 2)
            .Put(0, "y", "0", 6, 8, 3)
            .Txn(1, txn, new TxnResponse(4, true, [new PutResponse(4), new PutResponse(4)]), 10, 100)
            .Get(2, "x", 20, 30, 4, Kvp("x", "1", 2, 4, 2))
            .Get(2, "y", 40, 50, 4, Kvp("y", "0", 3, 3, 1))
            .Build();
        LinearizabilityResult result = KvLinearizabilityChecker.Check(h);
        Assert.False(result.Ok);
        Assert.Equal("x (+1 keys)", result.PartitionKey);
    }

    [Fact]
    public void TxnTakesTheBranchItsGuardsSelect()
    {
        var cas = new TxnRequest([new TxnCompare("x", CompareTarget.Value, CompareOperator.Equal, "0")], [new PutRequest("x", "1")], [new RangeRequest("x")]);
        var h = new HistoryBuilder()
            .Put(0, "x", "0", 0, 5, 2)
            .Txn(1, cas, new TxnResponse(2, false, [new RangeResponse(2, [Kvp("x", "0", 2, 2, 1)])]), 10, 20)
            .Build();
        Assert.False(KvLinearizabilityChecker.Check(h).Ok);
    }

    [Fact]
    public void RangeReadSeesEveryKeyInItsRange()
    {
        var h = new HistoryBuilder()
            .Put(0, "a", "1", 0, 5, 2)
            .Put(0, "b", "1", 6, 8, 3)
            .Range(1, "a", "c", 10, 20, 3, Kvp("a", "1", 2, 2, 1), Kvp("b", "1", 3, 3, 1))
            .Range(1, "a", "\0", 30, 40, 3, Kvp("a", "1", 2, 2, 1))
            .Build();
        LinearizabilityResult result = KvLinearizabilityChecker.Check(h);
        Assert.False(result.Ok);
        Assert.Equal(1, result.Statistics.Partitions);
    }

    [Fact]
    public void DeleteReportsHowManyKeysItRemoved()
    {
        var ok = new HistoryBuilder().Put(0, "x", "1", 0, 5, 2).Delete(0, "x", 10, 20, 3, 1).Get(1, "x", 30, 40, 3).Build();
        var wrong = new HistoryBuilder().Put(0, "x", "1", 0, 5, 2).Delete(0, "x", 10, 20, 3, 0).Build();
        Assert.True(KvLinearizabilityChecker.Check(ok).Ok);
        Assert.False(KvLinearizabilityChecker.Check(wrong).Ok);
    }
}
