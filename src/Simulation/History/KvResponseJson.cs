using System.Text.Json;

namespace Cairn.Simulation.History;

/// <summary>The JSON shape of replies (the "result" object of docs/history-format.md).</summary>
internal static class KvResponseJson
{
    public static void Write(Utf8JsonWriter w, KvResponse response)
    {
        w.WriteStartObject();
        if (response is KvErrorResponse e)
        {
            w.WriteString("error", e.Error);
            w.WriteEndObject();
            return;
        }

        w.WriteNumber("revision", response.Revision);
        switch (response)
        {
            case RangeResponse r:
                WriteKvs(w, r.Kvs);
                break;
            case DeleteResponse d:
                w.WriteNumber("deleted", d.Deleted);
                break;
            case TxnResponse t:
                WriteTxn(w, t);
                break;
        }

        w.WriteEndObject();
    }

    public static KvResponse Read(string op, JsonElement result)
    {
        if (KvRequestJson.OptionalText(result, "error") is { } error)
        {
            return error is KvErrorResponse.Compacted or KvErrorResponse.FutureRevision
                ? new KvErrorResponse(error)
                : throw new HistoryFormatException($"unknown error \"{error}\"");
        }

        long revision = KvRequestJson.Number(result, "revision");
        return op switch
        {
            "get" or "range" => new RangeResponse(revision, ReadKvs(result)),
            "put" => new PutResponse(revision),
            "compact" => new CompactResponse(revision),
            "delete" => new DeleteResponse(revision, KvRequestJson.Number(result, "deleted")),
            "txn" => ReadTxn(revision, result),
            _ => throw new HistoryFormatException($"unknown op \"{op}\""),
        };
    }

    private static void WriteKvs(Utf8JsonWriter w, IReadOnlyList<KeyValue> kvs)
    {
        w.WriteStartArray("kvs");
        foreach (KeyValue kv in kvs)
        {
            w.WriteStartObject();
            w.WriteString("key", kv.Key);
            w.WriteString("value", kv.Value);
            w.WriteNumber("create_revision", kv.CreateRevision);
            w.WriteNumber("mod_revision", kv.ModRevision);
            w.WriteNumber("version", kv.Version);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteTxn(Utf8JsonWriter w, TxnResponse t)
    {
        w.WriteBoolean("succeeded", t.Succeeded);
        w.WriteStartArray("responses");
        foreach (KvResponse r in t.Responses)
        {
            w.WriteStartObject();
            w.WriteString("op", OpOf(r));
            w.WritePropertyName("result");
            Write(w, r);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static List<KeyValue> ReadKvs(JsonElement result)
    {
        var kvs = new List<KeyValue>();
        foreach (JsonElement kv in KvRequestJson.Array(result, "kvs"))
        {
            kvs.Add(new KeyValue(
                KvRequestJson.Text(kv, "key"),
                KvRequestJson.Text(kv, "value"),
                KvRequestJson.Number(kv, "create_revision"),
                KvRequestJson.Number(kv, "mod_revision"),
                KvRequestJson.Number(kv, "version")));
        }

        return kvs;
    }

    private static TxnResponse ReadTxn(long revision, JsonElement result)
    {
        if (!result.TryGetProperty("succeeded", out JsonElement succeeded) ||
            (succeeded.ValueKind != JsonValueKind.True && succeeded.ValueKind != JsonValueKind.False))
        {
            throw new HistoryFormatException("missing boolean field \"succeeded\"");
        }

        var responses = new List<KvResponse>();
        foreach (JsonElement r in KvRequestJson.Array(result, "responses"))
        {
            responses.Add(Read(KvRequestJson.Text(r, "op"), r.GetProperty("result")));
        }

        return new TxnResponse(revision, succeeded.GetBoolean(), responses);
    }

    private static string OpOf(KvResponse r) => r switch
    {
        RangeResponse => "range",
        PutResponse => "put",
        DeleteResponse => "delete",
        _ => "txn",
    };
}
