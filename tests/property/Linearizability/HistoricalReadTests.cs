using Cairn.Simulation.Checking.Linearizability;
using Cairn.Simulation.History;
using Xunit;
using static Cairn.Property.Tests.Linearizability.HistoryBuilder;

namespace Cairn.Property.Tests.Linearizability;

/// <summary>
/// Reads at a past revision and compactions (docs/linearizability.md, "Historical reads"): a read at
/// R returns the state at R, fails with "compacted" when R is below the compaction revision, and
/// with "future revision" when R is above the store revision (etcd mvcc/kvstore_txn.go).
/// </summary>
public sealed class HistoricalReadTests
{
    [Fact]
    public void ReadAtPastRevisionReturnsTheStateThen()
    {
        var h = new HistoryBuilder().Put(0, "x", "1", 0, 10, 2).Put(0, "x", "2", 20, 30, 3)
            .GetAt(1, "x", 2, 40, 50, 3, Kvp("x", "1", 2, 2, 1))
            .GetAt(1, "x", 1, 60, 70, 3)
            .Build();
        Assert.True(KvLinearizabilityChecker.Check(h).Ok);
    }

    [Fact]
    public void ReadAtPastRevisionReturningTheNewerValueIsRejected()
    {
        var h = new HistoryBuilder().Put(0, "x", "1", 0, 10, 2).Put(0, "x", "2", 20, 30, 3)
            .GetAt(1, "x", 2, 40, 50, 3, Kvp("x", "2", 2, 3, 2))
            .Build();
        LinearizabilityResult result = KvLinearizabilityChecker.Check(h);
        Assert.Equal(SearchVerdict.NotLinearizable, result.Verdict);
        Assert.Equal(ViolationKind.PartitionSearch, result.Violation);
    }

    [Fact]
    public void ReadAtPastRevisionMissingAKeyThatExistedIsRejected()
    {
        var h = new HistoryBuilder().Put(0, "x", "1", 0, 10, 2).Delete(0, "x", 20, 30, 3, 1)
            .GetAt(1, "x", 2, 40, 50, 3)
            .Build();
        Assert.False(KvLinearizabilityChecker.Check(h).Ok);
        var ok = new HistoryBuilder().Put(0, "x", "1", 0, 10, 2).Delete(0, "x", 20, 30, 3, 1)
            .GetAt(1, "x", 3, 40, 50, 3)
            .Build();
        Assert.True(KvLinearizabilityChecker.Check(ok).Ok);
    }

    [Fact]
    public void ReadBelowACompletedCompactionMustFailCompacted()
    {
        var compacted = new HistoryBuilder().Put(0, "x", "1", 0, 10, 2).Put(0, "x", "2", 20, 30, 3)
            .Compact(2, 3, 40, 50, 3)
            .GetAtError(1, "x", 2, 60, 70, KvErrorResponse.Compacted)
            .Build();
        Assert.True(KvLinearizabilityChecker.Check(compacted).Ok);
        var served = new HistoryBuilder().Put(0, "x", "1", 0, 10, 2).Put(0, "x", "2", 20, 30, 3)
            .Compact(2, 3, 40, 50, 3)
            .GetAt(1, "x", 2, 60, 70, 3, Kvp("x", "1", 2, 2, 1))
            .Build();
        Assert.False(KvLinearizabilityChecker.Check(served).Ok);
    }

    [Fact]
    public void ReadAtTheCompactionRevisionItselfIsServed()
    {
        var h = new HistoryBuilder().Put(0, "x", "1", 0, 10, 2).Put(0, "x", "2", 20, 30, 3)
            .Compact(2, 2, 40, 50, 3)
            .GetAt(1, "x", 2, 60, 70, 3, Kvp("x", "1", 2, 2, 1))
            .Build();
        Assert.True(KvLinearizabilityChecker.Check(h).Ok);
    }

    [Fact]
    public void CompactedErrorWithoutAnyCompactionIsRejected()
    {
        var h = new HistoryBuilder().Put(0, "x", "1", 0, 10, 2)
            .GetAtError(1, "x", 1, 20, 30, KvErrorResponse.Compacted)
            .Build();
        Assert.False(KvLinearizabilityChecker.Check(h).Ok);
    }

    [Fact]
    public void CompactedErrorMayBeExplainedByAConcurrentOrUnknownCompaction()
    {
        var h = new HistoryBuilder().Put(0, "x", "1", 0, 10, 2).Put(0, "x", "2", 20, 30, 3)
            .CompactUnknown(2, 3, 35)
            .GetAtError(1, "x", 2, 40, 50, KvErrorResponse.Compacted)
            .Build();
        Assert.True(KvLinearizabilityChecker.Check(h).Ok);
    }

    [Fact]
    public void CompactedErrorOnAnotherKeyIsExplainedByTheGlobalCompaction()
    {
        var h = new HistoryBuilder().Put(0, "x", "1", 0, 10, 2).Put(0, "y", "1", 20, 30, 3)
            .Compact(2, 3, 40, 50, 3)
            .GetAtError(1, "y", 2, 60, 70, KvErrorResponse.Compacted)
            .GetAtError(1, "x", 2, 80, 90, KvErrorResponse.Compacted)
            .Build();
        Assert.True(KvLinearizabilityChecker.Check(h).Ok);
    }

    [Fact]
    public void FutureRevisionErrorBelowAnObservedRevisionIsRejected()
    {
        var future = new HistoryBuilder().Put(0, "x", "1", 0, 10, 2)
            .GetAtError(1, "x", 5, 20, 30, KvErrorResponse.FutureRevision)
            .Build();
        Assert.True(KvLinearizabilityChecker.Check(future).Ok);
        var later = new HistoryBuilder().Put(0, "x", "1", 0, 10, 2).Put(0, "x", "2", 20, 30, 3)
            .GetAtError(1, "x", 3, 40, 50, KvErrorResponse.FutureRevision)
            .Build();
        Assert.False(KvLinearizabilityChecker.Check(later).Ok);
    }

    [Fact]
    public void HistoricalReadAboveItsOwnHeaderIsRejected()
    {
        var h = new HistoryBuilder().Put(0, "x", "1", 0, 10, 2)
            .GetAt(1, "x", 4, 20, 30, 3, Kvp("x", "1", 2, 2, 1))
            .Build();
        Assert.False(KvLinearizabilityChecker.Check(h).Ok);
    }

    [Fact]
    public void UnknownWriteMayOrMayNotBeBelowTheReadRevision()
    {
        var seen = new HistoryBuilder().Put(0, "x", "1", 0, 10, 2).PutUnknown(2, "x", "u", 15)
            .Put(0, "y", "1", 100, 110, 5)
            .GetAt(1, "x", 4, 120, 130, 5, Kvp("x", "u", 2, 3, 2))
            .Build();
        Assert.True(KvLinearizabilityChecker.Check(seen).Ok);
        var notSeen = new HistoryBuilder().Put(0, "x", "1", 0, 10, 2).PutUnknown(2, "x", "u", 15)
            .GetAt(1, "x", 4, 120, 130, 5, Kvp("x", "1", 2, 2, 1))
            .Build();
        Assert.True(KvLinearizabilityChecker.Check(notSeen).Ok);
    }

    [Fact]
    public void CompactionBelowAnEarlierOneMustBeRefused()
    {
        var h = new HistoryBuilder().Put(0, "x", "1", 0, 10, 2).Put(0, "x", "2", 20, 30, 3)
            .Compact(2, 3, 40, 50, 3)
            .Compact(2, 2, 60, 70, 3)
            .Build();
        Assert.False(KvLinearizabilityChecker.Check(h).Ok);
        var refused = new HistoryBuilder().Put(0, "x", "1", 0, 10, 2).Put(0, "x", "2", 20, 30, 3)
            .Compact(2, 3, 40, 50, 3)
            .CompactError(2, 2, 60, 70, KvErrorResponse.Compacted)
            .Build();
        Assert.True(KvLinearizabilityChecker.Check(refused).Ok);
    }
}
