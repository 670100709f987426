namespace Cairn.Simulation.Faults;

/// <summary>Which fault mix a run draws.</summary>
public enum FaultMode
{
    /// <summary>A calm network, no crashes: a baseline.</summary>
    None,
    /// <summary>Every fault kind at fixed, moderate rates.</summary>
    Standard,
    /// <summary>Swarm testing: each seed draws its own subset of fault kinds and its own rates.</summary>
    Swarm,
}
