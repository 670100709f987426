namespace Cairn.Simulation.Cli;

/// <summary>What <c>cairn-sim</c> exits with (docs/simulation.md, README).</summary>
internal static class ExitCodes
{
    /// <summary>Every seed passed (or the command had nothing to check).</summary>
    public const int Ok = 0;
    /// <summary>A seed failed: an invariant was violated, or a canary went uncaught.</summary>
    public const int SeedFailed = 1;
    /// <summary>Bad command line or an unusable input/output file; nothing was run.</summary>
    public const int UsageOrIo = 2;
    /// <summary>cairn-sim itself failed (a bug in the tool): the exception is printed.</summary>
    public const int InternalError = 3;
}
