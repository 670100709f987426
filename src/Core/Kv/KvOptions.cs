namespace Cairn.Core.Kv;

/// <summary>
/// Limits of the KV state machine. They shape replicated behaviour, so every replica of a cluster
/// must use the same values.
/// </summary>
public sealed record KvOptions
{
    /// <summary>The default options (etcd's defaults where etcd has one).</summary>
    public static readonly KvOptions Default = new();

    /// <summary>Most operations (compares, or ops of one branch) in a txn; etcd's --max-txn-ops default.</summary>
    public int TxnOpsMax { get; init; } = 128;

    /// <summary>Largest command accepted, in bytes; etcd's --max-request-bytes default (1.5 MiB).</summary>
    public int RequestBytesMax { get; init; } = 1536 * 1024;

    /// <summary>Smallest lease TTL in seconds; a grant below it is raised to it (etcd: from the
    /// election timeout, 2 s with etcd's default 1 s election timeout and 100 ms heartbeat).</summary>
    public long LeaseTtlMinSeconds { get; init; } = 2;

    /// <summary>Largest lease TTL in seconds (etcd's MaxLeaseTTL).</summary>
    public long LeaseTtlMaxSeconds { get; init; } = 9_000_000_000;

    /// <summary>Most exactly-once sessions kept; beyond it the least recently used is evicted.</summary>
    public int SessionsMax { get; init; } = 4096;

    /// <summary>The store size, in bytes, beyond which writes raise the NOSPACE alarm and are refused
    /// (etcd's --quota-backend-bytes; default 2 GiB).</summary>
    public long QuotaBackendBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>A session idle for more than this many log entries expires.</summary>
    public ulong SessionIdleEntriesMax { get; init; } = 1_000_000;
}
