using Cairn.Host.Node;

namespace Cairn.Host.Ops;

/// <summary>etcd's /health, /readyz and /livez on the client port: /health answers
/// <c>{"health":"true","reason":""}</c> (200) when the member has a leader and no alarm, else
/// <c>{"health":"false","reason":"..."}</c> (503).</summary>
internal static class HealthEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/health", (NodeHost node) => Health(node));
        app.MapGet("/readyz", (NodeHost node) => Health(node));
        app.MapGet("/livez", () => Results.Text("ok", "text/plain"));
        app.MapGet("/version", () => Results.Json(new Dictionary<string, string>
        {
            ["etcdserver"] = Config.ServerSettings.Version,
            ["etcdcluster"] = Config.ServerSettings.Version[..3] + ".0",
        }));
    }

    private static IResult Health(NodeHost node)
    {
        string reason = node.CurrentLeader == 0 ? "RAFT NO LEADER"
            : node.CurrentAlarms is { Count: > 0 } alarms ? "ALARM " + string.Join(",", alarms.Select(a => a.Alarm.ToString().ToUpperInvariant()))
            : "";
        var body = new Dictionary<string, string> { ["health"] = reason.Length == 0 ? "true" : "false", ["reason"] = reason };
        return Results.Json(body, statusCode: reason.Length == 0 ? 200 : 503);
    }
}
