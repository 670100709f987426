using System.Text;
using System.Text.Json;

namespace Cairn.Simulation.Cli;

/// <summary>Writes the single JSON object that <c>--json</c> promises on stdout.</summary>
internal static class JsonOutput
{
    public static string Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static void WriteRun(Utf8JsonWriter w, RunResult r)
    {
        w.WriteNumber("seed", r.Seed);
        w.WriteBoolean("ok", r.Ok);
        w.WriteStartArray("violations");
        foreach (var v in r.Violations) w.WriteStringValue(v);
        w.WriteEndArray();
        w.WriteString("traceHash", r.TraceHash.ToString("x16"));
        w.WriteNumber("events", r.Events);
        w.WriteNumber("simulatedMs", r.SimulatedMs);
        w.WriteNumber("wallMs", Math.Round(r.WallMs, 3));
        w.WriteNumber("committed", r.Committed);
        w.WriteNumber("acknowledged", r.Acknowledged);
        w.WriteNumber("faultActions", r.FaultActions);
        w.WriteNumber("leadersElected", r.LeadersElected);
        w.WriteNumber("snapshotsInstalled", r.SnapshotsInstalled);
        w.WriteNumber("snapshotChunksSent", r.SnapshotChunksSent);
        w.WriteNumber("snapshotTransfersStarted", r.SnapshotTransfersStarted);
        w.WriteNumber("snapshotChunksPerTransferMax", r.SnapshotChunksPerTransferMax);
        w.WriteNumber("snapshotTransfersCompleted", r.SnapshotTransfersCompleted);
        w.WriteNumber("snapshotTransferMsTotal", r.SnapshotTransferMsTotal);
        w.WriteNumber("snapshotTransferMsMax", r.SnapshotTransferMsMax);
        w.WriteNumber("snapshotsTaken", r.SnapshotsTaken);
        if (r.Linearizability is null) w.WriteNull("linearizability");
        else w.WriteString("linearizability", r.Linearizability);
        w.WriteString("limits", r.Limits);
        w.WriteString("coverage", r.Coverage);
        w.WriteString("diskCompletion", r.SeamModes.Disk.ToString());
        w.WriteString("networkDelivery", r.SeamModes.Network.ToString());
        w.WriteNumber("bytesSent", r.BytesSent);
        w.WriteNumber("bytesPerCommittedEntry", Math.Round(r.BytesPerCommittedEntry, 1));
        w.WriteString("replay", r.ReplayCommand);
    }
}
