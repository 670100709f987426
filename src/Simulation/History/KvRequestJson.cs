using System.Text.Json;

namespace Cairn.Simulation.History;

/// <summary>The JSON shape of request arguments (the "args" object of docs/history-format.md).</summary>
internal static class KvRequestJson
{
    public static void Write(Utf8JsonWriter w, KvRequest request)
    {
        w.WriteStartObject();
        switch (request)
        {
            case RangeRequest r:
                WriteRange(w, r.Key, r.RangeEnd);
                if (r.Revision != 0)
                {
                    w.WriteNumber("revision", r.Revision);
                }

                break;
            case CompactRequest c:
                w.WriteNumber("revision", c.Revision);
                break;
            case PutRequest p:
                w.WriteString("key", p.Key);
                w.WriteString("value", p.Value);
                break;
            case DeleteRequest d:
                WriteRange(w, d.Key, d.RangeEnd);
                break;
            case TxnRequest t:
                WriteTxn(w, t);
                break;
        }

        w.WriteEndObject();
    }

    public static KvRequest Read(string op, JsonElement args) => op switch
    {
        "get" or "range" => new RangeRequest(Text(args, "key"), OptionalText(args, "range_end"), OptionalNumber(args, "revision")),
        "compact" => new CompactRequest(Number(args, "revision")),
        "put" => new PutRequest(Text(args, "key"), Text(args, "value")),
        "delete" => new DeleteRequest(Text(args, "key"), OptionalText(args, "range_end")),
        "txn" => ReadTxn(args),
        _ => throw new HistoryFormatException($"unknown op \"{op}\""),
    };

    internal static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new HistoryFormatException($"missing string field \"{name}\"");

    internal static string? OptionalText(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static long Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number
            ? v.GetInt64()
            : throw new HistoryFormatException($"missing number field \"{name}\"");

    internal static long OptionalNumber(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;

    private static void WriteRange(Utf8JsonWriter w, string key, string? rangeEnd)
    {
        w.WriteString("key", key);
        if (rangeEnd is not null)
        {
            w.WriteString("range_end", rangeEnd);
        }
    }

    private static void WriteTxn(Utf8JsonWriter w, TxnRequest t)
    {
        w.WriteStartArray("compare");
        foreach (TxnCompare c in t.Compares)
        {
            w.WriteStartObject();
            w.WriteString("key", c.Key);
            w.WriteString("target", TargetName(c.Target));
            w.WriteString("result", OperatorName(c.Operator));
            if (c.Target == CompareTarget.Value)
            {
                w.WriteString("value", c.Value);
            }
            else
            {
                w.WriteNumber("number", c.Number);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteBranch(w, "success", t.Success);
        WriteBranch(w, "failure", t.Failure);
    }

    private static void WriteBranch(Utf8JsonWriter w, string name, IReadOnlyList<KvRequest> ops)
    {
        w.WriteStartArray(name);
        foreach (KvRequest op in ops)
        {
            w.WriteStartObject();
            w.WriteString("op", op.Op);
            w.WritePropertyName("args");
            Write(w, op);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static TxnRequest ReadTxn(JsonElement args)
    {
        var compares = new List<TxnCompare>();
        foreach (JsonElement c in Array(args, "compare"))
        {
            CompareTarget target = ParseTarget(Text(c, "target"));
            compares.Add(target == CompareTarget.Value
                ? new TxnCompare(Text(c, "key"), target, ParseOperator(Text(c, "result")), Text(c, "value"))
                : new TxnCompare(Text(c, "key"), target, ParseOperator(Text(c, "result")), null, Number(c, "number")));
        }

        return new TxnRequest(compares, ReadBranch(args, "success"), ReadBranch(args, "failure"));
    }

    private static List<KvRequest> ReadBranch(JsonElement args, string name)
    {
        var ops = new List<KvRequest>();
        foreach (JsonElement o in Array(args, name))
        {
            string op = Text(o, "op");
            if (op is "compact")
            {
                throw new HistoryFormatException($"a transaction cannot nest a {op}");
            }

            ops.Add(Read(op, o.GetProperty("args")));
        }

        return ops;
    }

    internal static JsonElement.ArrayEnumerator Array(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray()
            : throw new HistoryFormatException($"missing array field \"{name}\"");

    private static string TargetName(CompareTarget t) => t switch
    {
        CompareTarget.Version => "version",
        CompareTarget.CreateRevision => "create",
        CompareTarget.ModRevision => "mod",
        _ => "value",
    };

    private static CompareTarget ParseTarget(string s) => s switch
    {
        "version" => CompareTarget.Version,
        "create" => CompareTarget.CreateRevision,
        "mod" => CompareTarget.ModRevision,
        "value" => CompareTarget.Value,
        _ => throw new HistoryFormatException($"unknown compare target \"{s}\""),
    };

    private static string OperatorName(CompareOperator o) => o switch
    {
        CompareOperator.Equal => "equal",
        CompareOperator.NotEqual => "not_equal",
        CompareOperator.Greater => "greater",
        _ => "less",
    };

    private static CompareOperator ParseOperator(string s) => s switch
    {
        "equal" => CompareOperator.Equal,
        "not_equal" => CompareOperator.NotEqual,
        "greater" => CompareOperator.Greater,
        "less" => CompareOperator.Less,
        _ => throw new HistoryFormatException($"unknown compare result \"{s}\""),
    };
}
