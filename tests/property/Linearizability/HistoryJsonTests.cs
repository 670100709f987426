using Cairn.Simulation.Checking.Linearizability.Benchmark;
using Cairn.Simulation.History;
using Xunit;

namespace Cairn.Property.Tests.Linearizability;

/// <summary>The JSON-lines history format of docs/history-format.md.</summary>
public sealed class HistoryJsonTests
{
    [Fact]
    public void WriteThenReadReproducesEveryLine()
    {
        var options = new KvHistoryOptions { Operations = 300, Keys = 5, RangeFraction = 0.1, MultiKeyTxnFraction = 0.1, InfoFraction = 0.05, FailFraction = 0.05 };
        IReadOnlyList<HistoryEvent> events = EventPairing.ToEvents(KvHistoryGenerator.Generate(options, 3));
        using var stream = new MemoryStream();
        HistoryJsonWriter.Write(stream, events);
        stream.Position = 0;
        IReadOnlyList<HistoryEvent> read = HistoryJsonReader.Read(new StreamReader(stream));
        Assert.Equal(events.Select(HistoryJsonWriter.ToLine), read.Select(HistoryJsonWriter.ToLine));
    }

    [Fact]
    public void DocumentedExampleLinesParse()
    {
        HistoryEvent invoke = HistoryJsonReader.ParseLine("""{"type":"invoke","process":3,"op":"put","args":{"key":"k1","value":"v7"},"time":1234}""");
        HistoryEvent ok = HistoryJsonReader.ParseLine("""{"type":"ok","process":3,"op":"put","args":{"key":"k1","value":"v7"},"result":{"revision":12},"time":1300}""");
        HistoryEvent get = HistoryJsonReader.ParseLine("""{"type":"ok","process":4,"op":"get","args":{"key":"k1"},"result":{"revision":12,"kvs":[{"key":"k1","value":"v7","create_revision":5,"mod_revision":12,"version":3}]},"time":1310}""");
        Assert.Equal(new PutRequest("k1", "v7"), invoke.Request);
        Assert.Equal(12, ok.Response!.Revision);
        Assert.Equal(new KeyValue("k1", "v7", 5, 12, 3), ((RangeResponse)get.Response!).Kvs[0]);
    }

    [Fact]
    public void HistoricalReadsCompactionsAndErrorRepliesRoundTrip()
    {
        string[] lines =
        [
            """{"type":"ok","process":4,"op":"get","args":{"key":"k1","revision":9},"result":{"revision":12,"kvs":[]},"time":1310}""",
            """{"type":"ok","process":4,"op":"range","args":{"key":"k0","range_end":"k4","revision":3},"result":{"error":"compacted"},"time":1320}""",
            """{"type":"ok","process":4,"op":"get","args":{"key":"k1","revision":99},"result":{"error":"future_revision"},"time":1330}""",
            """{"type":"ok","process":5,"op":"compact","args":{"revision":8},"result":{"revision":12},"time":1340}""",
        ];
        HistoryEvent[] events = [.. lines.Select(HistoryJsonReader.ParseLine)];
        Assert.Equal(new RangeRequest("k1", null, 9), events[0].Request);
        Assert.Equal(new KvErrorResponse(KvErrorResponse.Compacted), events[1].Response);
        Assert.Equal(new KvErrorResponse(KvErrorResponse.FutureRevision), events[2].Response);
        Assert.Equal(new CompactRequest(8), events[3].Request);
        Assert.Equal(new CompactResponse(12), events[3].Response);
        Assert.Equal(lines, events.Select(HistoryJsonWriter.ToLine));
    }

    [Fact]
    public void MalformedLineNamesItsLineNumber()
    {
        var text = new StringReader("""{"type":"invoke","process":1,"op":"get","args":{"key":"a"},"time":1}""" + "\n" + """{"type":"ok","process":1,"op":"get","time":2}""");
        HistoryFormatException error = Assert.Throws<HistoryFormatException>(() => HistoryJsonReader.Read(text));
        Assert.StartsWith("line 2:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvocationWithoutCompletionBecomesAnOpenInfoOperation()
    {
        var events = new[] { new HistoryEvent(HistoryEventType.Invoke, 1, new PutRequest("a", "1"), null, 5) };
        HistoryOperation op = Assert.Single(EventPairing.ToOperations(events));
        Assert.Equal(OperationOutcome.Info, op.Outcome);
        Assert.True(op.IsOpen);
    }
}
