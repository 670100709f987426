using System.Text.Json;

namespace Cairn.Simulation.History;

/// <summary>Reads a JSON-lines history written by <see cref="HistoryJsonWriter"/> (docs/history-format.md).</summary>
public static class HistoryJsonReader
{
    /// <summary>Reads every event; blank lines are skipped.</summary>
    /// <param name="reader">The text source.</param>
    /// <returns>The events in file order.</returns>
    /// <exception cref="HistoryFormatException">A line is not a valid event; the message names the line.</exception>
    public static IReadOnlyList<HistoryEvent> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var events = new List<HistoryEvent>();
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            events.Add(ParseLine(line, lineNumber));
        }

        return events;
    }

    /// <summary>Reads every event of the file at <paramref name="path"/>.</summary>
    /// <param name="path">The *.jsonl file.</param>
    /// <returns>The events in file order.</returns>
    public static IReadOnlyList<HistoryEvent> ReadFile(string path)
    {
        using var reader = new StreamReader(path);
        return Read(reader);
    }

    /// <summary>Parses one line.</summary>
    /// <param name="line">A JSON object.</param>
    /// <param name="lineNumber">The line number, for error messages.</param>
    /// <returns>The event.</returns>
    public static HistoryEvent ParseLine(string line, int lineNumber = 1)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            JsonElement root = doc.RootElement;
            HistoryEventType type = ParseType(KvRequestJson.Text(root, "type"));
            string op = KvRequestJson.Text(root, "op");
            int process = checked((int)KvRequestJson.Number(root, "process"));
            long time = KvRequestJson.Number(root, "time");
            KvRequest request = root.TryGetProperty("args", out JsonElement args)
                ? KvRequestJson.Read(op, args)
                : throw new HistoryFormatException("missing object field \"args\"");
            KvResponse? response = type == HistoryEventType.Ok
                ? KvResponseJson.Read(op, root.TryGetProperty("result", out JsonElement r) ? r : throw new HistoryFormatException("an ok line needs \"result\""))
                : null;
            return new HistoryEvent(type, process, request, response, time);
        }
        catch (Exception ex) when (ex is JsonException or HistoryFormatException or InvalidOperationException or FormatException or OverflowException or KeyNotFoundException)
        {
            throw new HistoryFormatException($"line {lineNumber}: {ex.Message}", ex);
        }
    }

    private static HistoryEventType ParseType(string s) => s switch
    {
        "invoke" => HistoryEventType.Invoke,
        "ok" => HistoryEventType.Ok,
        "fail" => HistoryEventType.Fail,
        "info" => HistoryEventType.Info,
        _ => throw new HistoryFormatException($"unknown type \"{s}\""),
    };
}
