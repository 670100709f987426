using System.Diagnostics;

namespace Cairn.Simulation.Checking.Linearizability.Kv;

/// <summary>
/// A revision the model may know only as a lower bound: a write whose outcome is unknown took
/// effect at some revision above the store revision floor at the time. Encoding: a positive value
/// is exact; a value v &lt;= 0 means "greater than -v" (so 0 means "greater than 0").
/// </summary>
internal static class Revision
{
    public static long Above(long floor)
    {
        Debug.Assert(floor >= 0, "revision floors are non-negative");
        return -floor;
    }

    public static bool IsKnown(long stored) => stored > 0;

    public static bool Admits(long stored, long observed) =>
        IsKnown(stored) ? stored == observed : observed > -stored;
}
