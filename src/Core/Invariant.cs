using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Cairn.Core;

/// <summary>
/// Always-on invariant checks (never compiled out, unlike <c>Debug.Assert</c>). A broken invariant is a
/// programmer error or a misused seam: the check throws <see cref="InvariantViolationException"/> naming
/// it, and the node stops rather than carry on from a state it cannot trust. The success path is one
/// branch: the message is a composite format string (<c>{0}</c>, <c>{1}</c>, ...) formatted only on failure.
/// </summary>
internal static class Invariant
{
    /// <summary>Throws when <paramref name="condition"/> is false; <paramref name="invariant"/> names what broke.</summary>
    public static void Holds([DoesNotReturnIf(false)] bool condition, string invariant)
    {
        if (!condition) Fail(invariant);
    }

    /// <summary>Throws when <paramref name="condition"/> is false, formatting <paramref name="invariant"/> with <paramref name="a"/>.</summary>
    public static void Holds([DoesNotReturnIf(false)] bool condition, string invariant, ulong a)
    {
        if (!condition) Fail(invariant, a);
    }

    /// <summary>Throws when <paramref name="condition"/> is false, formatting <paramref name="invariant"/> with the values.</summary>
    public static void Holds([DoesNotReturnIf(false)] bool condition, string invariant, ulong a, ulong b)
    {
        if (!condition) Fail(invariant, a, b);
    }

    /// <summary>Throws when <paramref name="condition"/> is false, formatting <paramref name="invariant"/> with the values.</summary>
    public static void Holds([DoesNotReturnIf(false)] bool condition, string invariant, ulong a, ulong b, ulong c)
    {
        if (!condition) Fail(invariant, a, b, c);
    }

    /// <summary>Throws when <paramref name="condition"/> is false, formatting <paramref name="invariant"/> with the values.</summary>
    public static void Holds([DoesNotReturnIf(false)] bool condition, string invariant, long a, long b)
    {
        if (!condition) Fail(invariant, a, b);
    }

    /// <summary>Always throws: the caller reached a state its invariants rule out.</summary>
    [DoesNotReturn]
    public static void Fail(string invariant, params object[] values) =>
        throw new InvariantViolationException(values.Length == 0 ? invariant : string.Format(CultureInfo.InvariantCulture, invariant, values));
}

/// <summary>An always-on invariant did not hold; the message names it and the values that broke it.</summary>
public sealed class InvariantViolationException : Exception
{
    /// <summary>Creates the exception for the invariant described by <paramref name="message"/>.</summary>
    public InvariantViolationException(string message) : base("invariant violated: " + message) { }
}
