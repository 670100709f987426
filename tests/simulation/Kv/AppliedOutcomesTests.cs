using Cairn.Core.Kv.Service;
using Cairn.Simulation.History;
using Cairn.Simulation.Workloads.Kv;
using Google.Protobuf;
using Xunit;
using Wire = Cairn.Core.Kv.Wire;

namespace Cairn.Simulation.Tests.Kv;

/// <summary>
/// Unknown outcomes resolved from what the replicas applied: an applied command completes at its first apply
/// with the reply it produced, one never applied (or refused at apply) did not happen, and the rest stay unknown.
/// </summary>
public class AppliedOutcomesTests
{
    private static readonly PutRequest Put = new("k1", "v1");

    private static HistoryOperation Unknown(int process, long call) =>
        new(0, process, Put, null, OperationOutcome.Info, call, HistoryOperation.OpenReturnTime);

    private static byte[] PutCommand(ulong client, ulong sequence) => new Wire.KvCommand
    {
        ClientId = client, Sequence = sequence,
        Put = new Wire.PutRequest { Key = ByteString.CopyFromUtf8("k1"), Value = ByteString.CopyFromUtf8("v1") },
    }.ToByteArray();

    private static byte[] PutReply(long revision) =>
        new Wire.KvResult { Put = new Wire.PutResponse { Header = new Wire.ResponseHeader { Revision = revision } } }.ToByteArray();

    [Fact]
    public void AppliedUnknownWrite_CompletesAtItsFirstApply_WithTheAppliedReply()
    {
        var outcomes = new AppliedOutcomes();
        outcomes.OnApplied(5, PutCommand(7, 3), PutReply(12), now: 900);
        outcomes.OnApplied(5, PutCommand(7, 3), PutReply(99), now: 950); // another replica, later: ignored
        outcomes.OnGivenUp(process: 4, new SessionStamp(7, 3));

        HistoryOperation op = Assert.Single(outcomes.Resolve([Unknown(4, call: 800)]));

        Assert.Equal(OperationOutcome.Ok, op.Outcome);
        Assert.Equal(new Cairn.Simulation.History.PutResponse(12), op.Response);
        Assert.Equal(900, op.ReturnTime);
        Assert.Equal(1, outcomes.ResolvedApplied);
    }

    [Fact]
    public void UnknownWriteNoReplicaApplied_DidNotHappen()
    {
        var outcomes = new AppliedOutcomes();
        outcomes.OnApplied(5, PutCommand(7, 2), PutReply(12), now: 900);
        outcomes.OnGivenUp(process: 4, new SessionStamp(7, 3));

        HistoryOperation op = Assert.Single(outcomes.Resolve([Unknown(4, call: 800)]));

        Assert.Equal(OperationOutcome.Fail, op.Outcome);
        Assert.Equal(1, outcomes.ResolvedNotApplied);
    }

    [Fact]
    public void UnknownWriteRefusedAtApply_DidNotHappen()
    {
        var outcomes = new AppliedOutcomes();
        var refused = new Wire.KvResult { Error = new Wire.KvError { Code = Wire.KvErrorCode.SessionExpired } }.ToByteArray();
        outcomes.OnApplied(5, PutCommand(7, 3), refused, now: 900);
        outcomes.OnGivenUp(process: 4, new SessionStamp(7, 3));

        HistoryOperation op = Assert.Single(outcomes.Resolve([Unknown(4, call: 800)]));

        Assert.Equal(OperationOutcome.Fail, op.Outcome);
    }

    [Fact]
    public void UnstampedUnknownWrite_StaysUnknown()
    {
        var outcomes = new AppliedOutcomes();
        outcomes.OnApplied(5, PutCommand(0, 0), PutReply(12), now: 900);
        outcomes.OnGivenUp(process: 4, SessionStamp.None);
        HistoryOperation unknown = Unknown(4, call: 800);

        Assert.Same(unknown, Assert.Single(outcomes.Resolve([unknown])));
    }
}
