using System.Globalization;

namespace Cairn.Host.Config;

/// <summary>The server's command line, with etcd's flag names and defaults (etcd's embed.Config).</summary>
internal sealed record ServerFlags
{
    public string Name { get; init; } = "default";
    public string? DataDir { get; init; }
    public IReadOnlyList<Uri> ListenClientUrls { get; init; } = [new("http://127.0.0.1:2379")];
    public IReadOnlyList<Uri> AdvertiseClientUrls { get; init; } = [new("http://127.0.0.1:2379")];
    public IReadOnlyList<Uri> ListenPeerUrls { get; init; } = [new("http://127.0.0.1:2380")];
    public IReadOnlyList<Uri> InitialAdvertisePeerUrls { get; init; } = [new("http://127.0.0.1:2380")];
    public string? InitialCluster { get; init; }
    public string InitialClusterState { get; init; } = "new";
    public string InitialClusterToken { get; init; } = "etcd-cluster";
    public int HeartbeatIntervalMs { get; init; } = 100;
    public int ElectionTimeoutMs { get; init; } = 1000;
    public long QuotaBackendBytes { get; init; } = 2L * 1024 * 1024 * 1024;
    public string AutoCompactionMode { get; init; } = "periodic";
    public string AutoCompactionRetention { get; init; } = "0";
    public int MaxRequestBytes { get; init; } = 1572864;
    public int SnapshotCount { get; init; } = 100_000;
    public string LogLevel { get; init; } = "info";

    /// <summary>The data directory: --data-dir, or "${name}.cairn" (etcd: "${name}.etcd").</summary>
    public string EffectiveDataDir => DataDir ?? $"{Name}.cairn";

    /// <summary>--initial-cluster, or "name=first advertised peer URL" (etcd's default).</summary>
    public string EffectiveInitialCluster => InitialCluster ?? $"{Name}={InitialAdvertisePeerUrls[0].ToString().TrimEnd('/')}";

    /// <summary>Parses etcd-style flags (--flag value or --flag=value); throws <see cref="FlagException"/>.</summary>
    public static ServerFlags Parse(IReadOnlyList<string> args)
    {
        var flags = new ServerFlags();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith('-'))
            {
                throw new FlagException($"unexpected argument '{arg}' (flags look like --name=value)");
            }
            string name = arg.TrimStart('-');
            string? value = null;
            int eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            flags = flags.With(name, value ?? throw new FlagException($"flag --{name} needs a value"));
        }
        flags.Validate();
        return flags;
    }

    private ServerFlags With(string name, string value) => name switch
    {
        "name" => this with { Name = NonEmpty(name, value) },
        "data-dir" => this with { DataDir = NonEmpty(name, value) },
        "listen-client-urls" => this with { ListenClientUrls = Urls(name, value) },
        "advertise-client-urls" => this with { AdvertiseClientUrls = Urls(name, value) },
        "listen-peer-urls" => this with { ListenPeerUrls = Urls(name, value) },
        "initial-advertise-peer-urls" => this with { InitialAdvertisePeerUrls = Urls(name, value) },
        "initial-cluster" => this with { InitialCluster = NonEmpty(name, value) },
        "initial-cluster-state" => this with { InitialClusterState = OneOf(name, value, "new", "existing") },
        "initial-cluster-token" => this with { InitialClusterToken = NonEmpty(name, value) },
        "heartbeat-interval" => this with { HeartbeatIntervalMs = (int)Number(name, value, 1, 60_000) },
        "election-timeout" => this with { ElectionTimeoutMs = (int)Number(name, value, 1, 600_000) },
        "quota-backend-bytes" => this with { QuotaBackendBytes = Number(name, value, 0, 1L << 40) },
        "auto-compaction-mode" => this with { AutoCompactionMode = OneOf(name, value, "periodic", "revision") },
        "auto-compaction-retention" => this with { AutoCompactionRetention = NonEmpty(name, value) },
        "max-request-bytes" => this with { MaxRequestBytes = (int)Number(name, value, 1, 64 * 1024 * 1024) },
        "snapshot-count" => this with { SnapshotCount = (int)Number(name, value, 1, int.MaxValue) },
        "log-level" => this with { LogLevel = OneOf(name, value, "debug", "info", "warn", "error", "panic", "fatal") },
        _ => throw new FlagException($"unknown flag --{name}"),
    };

    private void Validate()
    {
        if (ElectionTimeoutMs < 5 * HeartbeatIntervalMs)
        {
            throw new FlagException($"--election-timeout[{ElectionTimeoutMs}ms] should be at least 5 times as --heartbeat-interval[{HeartbeatIntervalMs}ms]");
        }
        _ = AutoCompaction.Parse(AutoCompactionMode, AutoCompactionRetention);
        _ = ClusterLayout.Parse(EffectiveInitialCluster);
    }

    private static string NonEmpty(string name, string value) =>
        value.Length > 0 ? value : throw new FlagException($"flag --{name} must not be empty");

    private static string OneOf(string name, string value, params string[] allowed) =>
        allowed.Contains(value) ? value : throw new FlagException($"invalid value \"{value}\" for flag --{name}: valid values are {string.Join(", ", allowed)}");

    private static long Number(string name, string value, long min, long max)
    {
        if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) || n < min || n > max)
        {
            throw new FlagException($"invalid value \"{value}\" for flag --{name}: expected an integer in [{min}, {max}]");
        }
        return n;
    }

    private static IReadOnlyList<Uri> Urls(string name, string value)
    {
        var urls = new List<Uri>();
        foreach (string part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out Uri? url) || url.Scheme != "http" || url.Port <= 0)
            {
                throw new FlagException($"invalid value \"{part}\" for flag --{name}: expected http://host:port (TLS is not supported yet)");
            }
            urls.Add(url);
        }
        return urls.Count > 0 ? urls : throw new FlagException($"flag --{name} needs at least one URL");
    }
}

/// <summary>A bad command line or data dir: printed as one clear line, exit code 1.</summary>
internal sealed class FlagException(string message) : Exception(message);
