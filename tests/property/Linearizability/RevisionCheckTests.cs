using Cairn.Simulation.Checking.Linearizability;
using Cairn.Simulation.Checking.Linearizability.Kv;
using Cairn.Simulation.History;
using Xunit;
using static Cairn.Property.Tests.Linearizability.HistoryBuilder;

namespace Cairn.Property.Tests.Linearizability;

/// <summary>
/// The KV check has two halves (docs/linearizability.md, "Revisions"); each catches a violation the
/// other cannot see, so both are needed.
/// </summary>
public sealed class RevisionCheckTests
{
    [Fact]
    public void DuplicateRevisionsAcrossKeysAreCaughtOnlyByTheGlobalCheck()
    {
        var h = new HistoryBuilder()
            .Put(0, "x", "1", 0, 10, 5)
            .Put(1, "y", "1", 0, 10, 5)
            .Build();
        Assert.Equal(SearchVerdict.Linearizable, SearchPartitionsOnly(h));
        LinearizabilityResult result = KvLinearizabilityChecker.Check(h);
        Assert.Equal(ViolationKind.RevisionOrder, result.Violation);
        Assert.Equal(2, result.MinimalCounterexample.Count);
    }

    [Fact]
    public void ReadHeaderBelowACompletedWriteOnAnotherKeyIsCaughtOnlyByTheGlobalCheck()
    {
        var h = new HistoryBuilder()
            .Put(0, "x", "1", 0, 10, 5)
            .Get(1, "y", 20, 30, 4)
            .Build();
        Assert.Equal(SearchVerdict.Linearizable, SearchPartitionsOnly(h));
        Assert.Equal(ViolationKind.RevisionOrder, KvLinearizabilityChecker.Check(h).Violation);
    }

    [Fact]
    public void WriteRevisionsAgainstRealTimeOrderAreRejected()
    {
        var h = new HistoryBuilder()
            .Put(0, "x", "1", 0, 10, 5)
            .Put(1, "y", "1", 20, 30, 4)
            .Build();
        Assert.Equal(ViolationKind.RevisionOrder, KvLinearizabilityChecker.Check(h).Violation);
    }

    [Fact]
    public void WritesOutOfRevisionOrderWithinAKeyAreCaughtOnlyByThePartitionSearch()
    {
        // Both puts overlap, so either may come first in real time; but the read shows "a" last,
        // which needs put(a) at revision 4 after put(b) at revision 5.
        var h = new HistoryBuilder()
            .Put(0, "x", "a", 0, 100, 4)
            .Put(1, "x", "b", 0, 100, 5)
            .Get(2, "x", 200, 210, 5, Kvp("x", "a", 4, 4, 2))
            .Build();
        Assert.Null(RevisionOrderCheck.Check(h));
        Assert.Equal(ViolationKind.PartitionSearch, KvLinearizabilityChecker.Check(h).Violation);
    }

    [Fact]
    public void StaleValueWithPlausibleRevisionsIsCaughtOnlyByThePartitionSearch()
    {
        var h = new HistoryBuilder()
            .Put(0, "x", "1", 0, 10, 2)
            .Put(0, "x", "2", 20, 30, 3)
            .Get(1, "x", 40, 50, 3, Kvp("x", "1", 2, 2, 1))
            .Build();
        Assert.Null(RevisionOrderCheck.Check(h));
        Assert.False(KvLinearizabilityChecker.Check(h).Ok);
    }

    [Fact]
    public void RevisionLearnedFromAReadMustNotBelongToAWriteOfAnotherKey()
    {
        // The info put's revision is unknown until the read shows 7, which the put of y already owns.
        var h = new HistoryBuilder()
            .PutUnknown(0, "x", "a", 0)
            .Put(1, "y", "b", 0, 10, 7)
            .Get(2, "x", 20, 30, 7, Kvp("x", "a", 7, 7, 1))
            .Build();
        Assert.Equal(SearchVerdict.Linearizable, SearchPartitionsOnly(h));
        Assert.Equal(ViolationKind.RevisionOrder, KvLinearizabilityChecker.Check(h).Violation);
    }

    private static SearchVerdict SearchPartitionsOnly(IReadOnlyList<HistoryOperation> h)
    {
        ModelOperation<KvRequest, KvResponse>[] ops =
            [.. h.Select((o, i) => new ModelOperation<KvRequest, KvResponse>(i, o.Request, o.Response, o.CallTime, o.ReturnTime))];
        Assert.All(h, o => Assert.NotEqual(OperationOutcome.Fail, o.Outcome));
        return PartitionedCheck<KvState, KvRequest, KvResponse, KvModel>.Check(default, ops, LinearizabilityOptions.Default).Verdict;
    }
}
