using Cairn.Core.Kv.Service;

namespace Cairn.Simulation.Workloads.Kv;

/// <summary>One simulated KV client: its session, its operation in flight and what it last saw.</summary>
internal sealed class KvClient(int index) : IRetryingClient
{
    private readonly SortedDictionary<string, long> _seenVersions = new(StringComparer.Ordinal);

    /// <summary>Client number (the world's client index).</summary>
    public int Index { get; } = index;

    /// <summary>The history process id; a fresh one after an unknown outcome (as in Jepsen).</summary>
    public int Process { get; set; } = index;

    /// <summary>The session's client id; 0 until registered.</summary>
    public ulong ClientId { get; set; }

    /// <summary>The last sequence used.</summary>
    public ulong Sequence { get; set; }

    /// <summary>The operation in flight, or null while thinking.</summary>
    public KvOperation? Operation { get; set; }

    /// <summary>The session stamp of the operation in flight (the same on every retry).</summary>
    public SessionStamp Stamp { get; set; }

    /// <summary>Attempts made for the operation in flight.</summary>
    public int Attempts { get; set; }

    /// <summary>True when some attempt of the operation in flight timed out, so it may have taken effect.</summary>
    public bool MaybeApplied { get; set; }

    /// <summary>The request id of the attempt in flight (0 = none).</summary>
    public ulong RequestId { get; set; }

    /// <summary>The node the client sends to.</summary>
    public int Target { get; set; }

    /// <summary>When the operation in flight was invoked.</summary>
    public long InvokedAt { get; set; }

    /// <summary>The lease the client holds, or 0.</summary>
    public long LeaseId { get; set; }

    /// <summary>The highest header revision the client has seen (0 = none yet).</summary>
    public long SeenRevision { get; set; }

    /// <summary>Request ids this client took from other clients' pending attempts (each at most once).</summary>
    public SortedSet<ulong> ReusedIds { get; } = [];

    /// <summary>The version of <paramref name="key"/> the client last observed (0 = absent or unknown).</summary>
    public long SeenVersion(string key) => _seenVersions.GetValueOrDefault(key);

    /// <summary>Remembers an observed version.</summary>
    public void See(string key, long version) => _seenVersions[key] = version;
}
