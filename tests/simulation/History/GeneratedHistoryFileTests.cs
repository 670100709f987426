using Cairn.Simulation.Checking.Linearizability.Benchmark;
using Cairn.Simulation.History;
using Xunit;

namespace Cairn.Simulation.Tests.History;

/// <summary>
/// docs/history-format.md: the reader accepts every file the project writes. The generator lets a client invoke
/// in the very millisecond its previous operation completed, which the event order must keep pairable.
/// </summary>
public class GeneratedHistoryFileTests
{
    [Fact]
    public void GeneratedHistory_WithSameMillisecondCompletionAndInvocation_ReadsBackAsTheSameOperations()
    {
        var options = new KvHistoryOptions { Operations = 2_000, Clients = 8, PauseMax = 0, DurationMax = 3, InfoFraction = 0.02, FailFraction = 0.02 };
        IReadOnlyList<HistoryOperation> generated = KvHistoryGenerator.Generate(options, seed: 5);
        var touching = generated.GroupBy(o => o.Process)
            .Count(g => g.Zip(g.Skip(1)).Any(p => !p.First.IsOpen && p.First.ReturnTime == p.Second.CallTime));
        Assert.True(touching > 0, "the generated history has no invocation in the millisecond of its process's previous completion");

        using var file = new MemoryStream();
        HistoryJsonWriter.Write(file, EventPairing.ToEvents(generated));
        file.Position = 0;
        IReadOnlyList<HistoryOperation> read = EventPairing.ToOperations(HistoryJsonReader.Read(new StreamReader(file)));

        Assert.Equal(generated.Count, read.Count);
        var byCall = read.OrderBy(o => (o.CallTime, o.Process)).ToList();
        var expected = generated.OrderBy(o => (o.CallTime, o.Process)).ToList();
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal((expected[i].Process, expected[i].CallTime, expected[i].ReturnTime, expected[i].Outcome),
                (byCall[i].Process, byCall[i].CallTime, byCall[i].ReturnTime, byCall[i].Outcome));
        }
    }

    [Fact]
    public void ZeroLatencyOperation_InTheMillisecondOfThePreviousCompletion_Pairs()
    {
        var get = new RangeRequest("k1", null);
        var ops = new[]
        {
            new HistoryOperation(0, 1, get, new RangeResponse(1, []), OperationOutcome.Ok, 10, 20),
            new HistoryOperation(1, 1, get, new RangeResponse(1, []), OperationOutcome.Ok, 20, 20),
            new HistoryOperation(2, 2, get, new RangeResponse(1, []), OperationOutcome.Ok, 15, 20),
            new HistoryOperation(3, 1, get, null, OperationOutcome.Fail, 20, 25),
        };
        var events = EventPairing.ToEvents(ops);
        var paired = EventPairing.ToOperations(events);
        Assert.Equal(new long[] { 10, 15, 20, 20 }, paired.Select(o => o.CallTime).Order());
        Assert.Equal(new long[] { 20, 20, 20, 25 }, paired.Select(o => o.ReturnTime).Order());
    }
}
