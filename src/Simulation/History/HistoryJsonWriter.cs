using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Cairn.Simulation.History;

/// <summary>Writes a history as JSON lines, one event per line (docs/history-format.md).</summary>
public static class HistoryJsonWriter
{
    private static readonly JsonWriterOptions LineOptions = new()
    {
        Indented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes <paramref name="events"/> to <paramref name="stream"/>, one JSON object per line.</summary>
    /// <param name="stream">The destination; left open.</param>
    /// <param name="events">The events in the order they happened.</param>
    public static void Write(Stream stream, IEnumerable<HistoryEvent> events)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(events);
        var buffer = new ArrayBufferWriter<byte>();
        foreach (HistoryEvent e in events)
        {
            buffer.ResetWrittenCount();
            using (var w = new Utf8JsonWriter(buffer, LineOptions))
            {
                WriteEvent(w, e);
            }

            stream.Write(buffer.WrittenSpan);
            stream.WriteByte((byte)'\n');
        }
    }

    /// <summary>Writes <paramref name="events"/> to the file at <paramref name="path"/>, replacing it.</summary>
    /// <param name="path">The file, conventionally named *.jsonl.</param>
    /// <param name="events">The events in the order they happened.</param>
    public static void WriteFile(string path, IEnumerable<HistoryEvent> events)
    {
        using FileStream file = File.Create(path);
        Write(file, events);
    }

    /// <summary>Renders one event as its JSON line, without the newline.</summary>
    /// <param name="e">The event.</param>
    /// <returns>The JSON object text.</returns>
    public static string ToLine(HistoryEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, LineOptions))
        {
            WriteEvent(w, e);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteEvent(Utf8JsonWriter w, HistoryEvent e)
    {
        w.WriteStartObject();
        w.WriteString("type", TypeName(e.Type));
        w.WriteNumber("process", e.Process);
        w.WriteString("op", e.Request.Op);
        w.WritePropertyName("args");
        KvRequestJson.Write(w, e.Request);
        if (e.Response is not null)
        {
            w.WritePropertyName("result");
            KvResponseJson.Write(w, e.Response);
        }

        w.WriteNumber("time", e.Time);
        w.WriteEndObject();
    }

    internal static string TypeName(HistoryEventType type) => type switch
    {
        HistoryEventType.Invoke => "invoke",
        HistoryEventType.Ok => "ok",
        HistoryEventType.Fail => "fail",
        _ => "info",
    };
}
