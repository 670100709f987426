using System.Globalization;
using System.Text;
using Cairn.Simulation.Checking.Linearizability.Kv;
using Cairn.Simulation.History;

namespace Cairn.Simulation.Checking.Linearizability;

/// <summary>
/// Renders a result as text: a verdict line, one line per counterexample operation (process,
/// operation, reply, [call, return]), then an ASCII timeline with one row per operation.
/// </summary>
internal static class CounterexampleText
{
    /// <summary>Columns of the timeline drawing.</summary>
    private const int TimelineWidthMax = 60;

    public static string Render(LinearizabilityResult result)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{result.Verdict}: {result.Reason}");
        if (result.PartitionKey is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" (partition {result.PartitionKey})");
        }

        text.AppendLine();
        IReadOnlyList<HistoryOperation> ops = result.MinimalCounterexample;
        foreach (HistoryOperation op in ops)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  #{op.Index,-6} p{op.Process,-4} {KvDescription.Describe(op.Request, op.Response)}  [{op.CallTime}, {Time(op.ReturnTime)}]");
        }

        if (ops.Count > 0)
        {
            AppendTimeline(text, ops);
        }

        return text.ToString();
    }

    private static void AppendTimeline(StringBuilder text, IReadOnlyList<HistoryOperation> ops)
    {
        long start = ops.Min(o => o.CallTime);
        long end = Math.Max(start + 1, ops.Max(o => o.IsOpen ? o.CallTime : o.ReturnTime));
        double scale = (TimelineWidthMax - 1) / (double)(end - start);
        text.AppendLine(CultureInfo.InvariantCulture, $"  timeline {start} .. {end} ms ('>' = open end, outcome unknown)");
        foreach (HistoryOperation op in ops)
        {
            int from = (int)((op.CallTime - start) * scale);
            int to = op.IsOpen ? TimelineWidthMax - 1 : (int)((op.ReturnTime - start) * scale);
            var row = new char[TimelineWidthMax];
            Array.Fill(row, ' ');
            for (int c = from; c <= to; c++)
            {
                row[c] = '=';
            }

            row[from] = '[';
            row[to] = op.IsOpen ? '>' : ']';
            text.AppendLine(CultureInfo.InvariantCulture, $"  #{op.Index,-6} |{new string(row)}| {op.Request.Op}");
        }
    }

    private static string Time(long t) => t == HistoryOperation.OpenReturnTime ? "open" : t.ToString(CultureInfo.InvariantCulture);
}
