namespace Cairn.Simulation.Checking.Linearizability;

/// <summary>One operation as the search sees it.</summary>
/// <typeparam name="TInput">The request type.</typeparam>
/// <typeparam name="TOutput">The reply type.</typeparam>
/// <param name="Id">The caller's identifier (the history index), carried through to counterexamples.</param>
/// <param name="Input">The request.</param>
/// <param name="Output">The reply, or null when the outcome is unknown.</param>
/// <param name="Call">Invocation time.</param>
/// <param name="Return">Completion time, or <see cref="long.MaxValue"/> when open.</param>
public readonly record struct ModelOperation<TInput, TOutput>(int Id, TInput Input, TOutput? Output, long Call, long Return)
    where TOutput : class
{
    /// <summary>True when the operation has no completion time and may or may not have taken effect.</summary>
    public bool IsOpen => Return == long.MaxValue;
}
