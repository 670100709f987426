using Xunit;

namespace Cairn.Simulation.Tests.Coyote;

/// <summary>
/// Coyote's TestingEngine controls scheduling process-wide while it runs, so its tests run one at a
/// time and apart from the seed sweeps.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CoyoteCollection
{
    public const string Name = "Coyote";
}
