namespace Cairn.Simulation.Checking.Linearizability.Benchmark;

/// <summary>The shape of a generated KV history; fractions are of all operations, the rest are gets.</summary>
public sealed record KvHistoryOptions
{
    /// <summary>Operations to generate. Default 1,000.</summary>
    public int Operations { get; init; } = 1_000;

    /// <summary>Distinct keys. Default 200.</summary>
    public int Keys { get; init; } = 200;

    /// <summary>Concurrent clients, each with one request outstanding at a time. Default 10.</summary>
    public int Clients { get; init; } = 10;

    /// <summary>Fraction of puts. Default 0.35.</summary>
    public double PutFraction { get; init; } = 0.35;

    /// <summary>Fraction of single-key compare-and-set transactions. Default 0.15.</summary>
    public double TxnFraction { get; init; } = 0.15;

    /// <summary>Fraction of single-key deletes. Default 0.02.</summary>
    public double DeleteFraction { get; init; } = 0.02;

    /// <summary>Fraction of two-key transactions (they join partitions). Default 0.</summary>
    public double MultiKeyTxnFraction { get; init; }

    /// <summary>Fraction of range reads over a few adjacent keys (they join partitions). Default 0.</summary>
    public double RangeFraction { get; init; }

    /// <summary>Fraction of operations whose outcome is reported unknown; half of them take effect. Default 0.</summary>
    public double InfoFraction { get; init; }

    /// <summary>Fraction of operations reported failed; none of them take effect. Default 0.</summary>
    public double FailFraction { get; init; }

    /// <summary>Longest operation, in simulated milliseconds. Default 40.</summary>
    public int DurationMax { get; init; } = 40;

    /// <summary>Longest pause of a client between operations, in simulated milliseconds. Default 10.</summary>
    public int PauseMax { get; init; } = 10;
}
