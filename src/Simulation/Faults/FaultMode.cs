namespace Cairn.Simulation.Faults;

/// <summary>Which faults a run injects.</summary>
public enum FaultMode
{
    /// <summary>A calm network, no crashes: a baseline.</summary>
    None,
    /// <summary>Loss, duplication, delay tails, crashes, partitions, clogging, pauses and clock skew.</summary>
    Standard,
}
