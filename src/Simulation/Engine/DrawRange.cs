namespace Cairn.Simulation.Engine;

/// <summary>A half-open range [<paramref name="Min"/>, <paramref name="Max"/>) that a value is drawn from uniformly.</summary>
/// <param name="Min">The smallest value drawn.</param>
/// <param name="Max">One past the largest value drawn.</param>
public readonly record struct DrawRange(int Min, int Max)
{
    /// <summary>Draws one value from <paramref name="random"/> (one draw, as <see cref="SimRandom.Next"/>).</summary>
    public int Draw(SimRandom random) => random.Next(Min, Max);
}
