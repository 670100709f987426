namespace Cairn.Simulation.Cli;

/// <summary>The <c>--parallel</c> option of <c>sweep</c> and <c>bugs --check</c>: worker threads, each running whole seeds.</summary>
internal static class WorkerThreads
{
    /// <summary>Most worker threads; more than the machine's cores only adds contention.</summary>
    public const int ParallelMax = 256;

    /// <summary>Returns <paramref name="parallel"/> when it is between 1 and <see cref="ParallelMax"/>; throws <see cref="ArgumentException"/> otherwise.</summary>
    public static int Validate(int parallel) =>
        parallel is >= 1 and <= ParallelMax ? parallel : throw new ArgumentException($"--parallel must be between 1 and {ParallelMax}, got {parallel}");
}
