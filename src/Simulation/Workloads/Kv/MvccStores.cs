using Cairn.Core.Kv;
using Cairn.Host.Storage;

namespace Cairn.Simulation.Workloads.Kv;

/// <summary>The MVCC stores the KV workload can run its state machines on (<c>--store</c>).</summary>
public static class MvccStores
{
    /// <summary>Names accepted by <c>--store</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "memory", "sqlite" };

    /// <summary>A factory of empty backends for <paramref name="name"/>: <c>memory</c> is
    /// <see cref="InMemoryMvccBackend"/>, <c>sqlite</c> is <see cref="SqliteMvccBackend"/> on an in-memory SQLite
    /// database (one per state machine; a simulated restart rebuilds it from the snapshot and log, as it does
    /// the in-memory store, so the simulator's crash model still decides what survives).</summary>
    public static Func<IMvccBackend> Factory(string name) => name switch
    {
        "memory" => static () => new InMemoryMvccBackend(),
        "sqlite" => static () => new SqliteMvccBackend(":memory:"),
        _ => throw new ArgumentException($"unknown store '{name}'; known: {string.Join(", ", Names)}"),
    };
}
