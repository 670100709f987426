using Cairn.Simulation.Checking.Linearizability;
using Xunit;
using static Cairn.Property.Tests.Linearizability.HistoryBuilder;

namespace Cairn.Property.Tests.Linearizability;

/// <summary>Info (timed-out) operations may or may not have taken effect; fail operations did not.</summary>
public sealed class UnknownOutcomeTests
{
    [Fact]
    public void InfoPutWhoseValueLaterAppearsIsAccepted()
    {
        var h = new HistoryBuilder()
            .PutUnknown(0, "x", "1", 0)
            .Get(1, "x", 50, 60, 2, Kvp("x", "1", 2, 2, 1))
            .Build();
        Assert.True(KvLinearizabilityChecker.Check(h).Ok);
    }

    [Fact]
    public void InfoPutThatNeverAppearsIsAccepted()
    {
        var h = new HistoryBuilder()
            .PutUnknown(0, "x", "1", 0)
            .Get(1, "x", 50, 60, 1)
            .Build();
        Assert.True(KvLinearizabilityChecker.Check(h).Ok);
    }

    [Fact]
    public void InfoPutMayTakeEffectLongAfterItsInvocation()
    {
        var h = new HistoryBuilder()
            .PutUnknown(0, "x", "1", 0)
            .Get(1, "x", 50, 60, 1)
            .Get(1, "x", 70, 80, 2, Kvp("x", "1", 2, 2, 1))
            .Build();
        Assert.True(KvLinearizabilityChecker.Check(h).Ok);
    }

    [Fact]
    public void ValueNeverWrittenIsRejectedEvenBesideInfoPuts()
    {
        var h = new HistoryBuilder()
            .PutUnknown(0, "x", "1", 0)
            .Get(1, "x", 50, 60, 2, Kvp("x", "2", 2, 2, 1))
            .Build();
        Assert.False(KvLinearizabilityChecker.Check(h).Ok);
    }

    [Fact]
    public void FailedPutMustNeverBeObserved()
    {
        var h = new HistoryBuilder()
            .PutFailed(0, "x", "1", 0, 10)
            .Get(1, "x", 50, 60, 2, Kvp("x", "1", 2, 2, 1))
            .Build();
        Assert.False(KvLinearizabilityChecker.Check(h).Ok);
    }

    [Fact]
    public void RevisionLearnedFromAReadBoundsLaterWrites()
    {
        // The read reveals that the info put took revision 7, so a later put cannot take revision 6.
        var ok = new HistoryBuilder()
            .PutUnknown(0, "x", "1", 0)
            .Get(1, "x", 50, 60, 7, Kvp("x", "1", 7, 7, 1))
            .Put(1, "x", "2", 70, 80, 8)
            .Build();
        var bad = new HistoryBuilder()
            .PutUnknown(0, "x", "1", 0)
            .Get(1, "x", 50, 60, 7, Kvp("x", "1", 7, 7, 1))
            .Put(1, "x", "2", 70, 80, 6)
            .Build();
        Assert.True(KvLinearizabilityChecker.Check(ok).Ok);
        Assert.False(KvLinearizabilityChecker.Check(bad).Ok);
    }

    [Fact]
    public void InfoPutStillCountsTowardTheVersion()
    {
        var h = new HistoryBuilder()
            .Put(0, "x", "0", 0, 10, 2)
            .PutUnknown(1, "x", "1", 20)
            .Put(0, "x", "2", 30, 40, 4)
            .Get(2, "x", 50, 60, 4, Kvp("x", "2", 2, 4, 3))
            .Build();
        Assert.True(KvLinearizabilityChecker.Check(h).Ok);
    }
}
