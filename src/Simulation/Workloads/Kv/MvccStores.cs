using Cairn.Core.Kv;
using Cairn.Host.Storage;

namespace Cairn.Simulation.Workloads.Kv;

/// <summary>The MVCC stores the KV workload can run its state machines on (<c>--store</c>).</summary>
public static class MvccStores
{
    /// <summary>Names accepted by <c>--store</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "memory", "sqlite" };

    /// <summary>A factory of empty backends for <paramref name="name"/>: <c>memory</c> is
    /// <see cref="InMemoryMvccBackend"/> (rebuilt from the Raft snapshot and log at every restart),
    /// <c>sqlite</c> is a durable <see cref="SqliteMvccBackend"/> on an in-memory SQLite database, one per node,
    /// kept across the node's simulated crashes (<see cref="AfterCrash"/>).</summary>
    public static Func<IMvccBackend> Factory(string name) => name switch
    {
        "memory" => static () => new InMemoryMvccBackend(),
        "sqlite" => static () => new SqliteMvccBackend(":memory:"),
        _ => throw new ArgumentException($"unknown store '{name}'; known: {string.Join(", ", Names)}"),
    };

    /// <summary>The crash model of a durable store: what its last batch commit made durable survives, the
    /// open batch is lost.</summary>
    internal static IMvccBackend AfterCrash(IMvccBackend store)
    {
        if (store is SqliteMvccBackend sqlite) sqlite.DiscardUncommitted();
        return store;
    }
}
