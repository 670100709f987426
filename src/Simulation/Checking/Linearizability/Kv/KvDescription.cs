using System.Text;
using Cairn.Simulation.History;

namespace Cairn.Simulation.Checking.Linearizability.Kv;

/// <summary>Renders KV requests and replies as one line of text, for counterexamples.</summary>
public static class KvDescription
{
    /// <summary>Renders an operation, for example <c>put(k, "v") -&gt; @7</c>; an unknown reply renders as <c>?</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="response">The reply, or null when unknown.</param>
    /// <returns>One line of text.</returns>
    public static string Describe(KvRequest request, KvResponse? response) =>
        $"{DescribeRequest(request)} -> {(response is null ? "?" : DescribeResponse(response))}";

    /// <summary>Renders a request, for example <c>range[a, b)</c>.</summary>
    /// <param name="request">The request.</param>
    /// <returns>One line of text.</returns>
    public static string DescribeRequest(KvRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request switch
        {
            RangeRequest r => (r.RangeEnd is null ? $"get({r.Key})" : $"range{Range(r.Key, r.RangeEnd)}") + (r.Revision > 0 ? $" at {r.Revision}" : string.Empty),
            CompactRequest c => $"compact({c.Revision})",
            PutRequest p => $"put({p.Key}, \"{p.Value}\")",
            DeleteRequest d => d.RangeEnd is null ? $"delete({d.Key})" : $"delete{Range(d.Key, d.RangeEnd)}",
            TxnRequest t => DescribeTxn(t),
            _ => request.Op,
        };
    }

    /// <summary>Renders a reply, for example <c>[k="v" c3 m7 v2] @9</c>.</summary>
    /// <param name="response">The reply.</param>
    /// <returns>One line of text.</returns>
    public static string DescribeResponse(KvResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response switch
        {
            RangeResponse r => $"[{string.Join(", ", r.Kvs.Select(kv => $"{kv.Key}=\"{kv.Value}\" c{kv.CreateRevision} m{kv.ModRevision} v{kv.Version}"))}] @{r.Revision}",
            DeleteResponse d => $"deleted {d.Deleted} @{d.Revision}",
            KvErrorResponse e => $"error {e.Error}",
            TxnResponse t => $"{(t.Succeeded ? "succeeded" : "failed")} {{{string.Join("; ", t.Responses.Select(DescribeResponse))}}} @{t.Revision}",
            _ => $"@{response.Revision}",
        };
    }

    private static string Range(string key, string end) => KeyRange.IsUnbounded(end) ? $"[{key}, +inf)" : $"[{key}, {end})";

    private static string DescribeTxn(TxnRequest t)
    {
        var text = new StringBuilder("txn(if ");
        text.Append(t.Compares.Count == 0 ? "true" : string.Join(" && ", t.Compares.Select(DescribeCompare)));
        text.Append(" then ").Append(string.Join("; ", t.Success.Select(DescribeRequest)));
        text.Append(" else ").Append(string.Join("; ", t.Failure.Select(DescribeRequest))).Append(')');
        return text.ToString();
    }

    private static string DescribeCompare(TxnCompare c)
    {
        string field = c.Target switch
        {
            CompareTarget.Value => "value",
            CompareTarget.Version => "version",
            CompareTarget.CreateRevision => "create",
            _ => "mod",
        };
        string op = c.Operator switch
        {
            CompareOperator.Equal => "==",
            CompareOperator.NotEqual => "!=",
            CompareOperator.Greater => ">",
            _ => "<",
        };
        string operand = c.Target == CompareTarget.Value ? $"\"{c.Value}\"" : c.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"{field}({c.Key}) {op} {operand}";
    }
}
