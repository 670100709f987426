using System.Globalization;
using System.Reflection;
using Cairn.Simulation.Faults;

namespace Cairn.Simulation.Cli;

/// <summary>
/// The <c>run</c> command line that reproduces a <see cref="RunOptions"/> exactly (same trace hash).
/// It is derived from the record's properties, so an option another part of the simulator adds flows into
/// every printed replay command without touching this file: each init property becomes <c>--kebab-name</c>
/// unless it is listed in <see cref="NotReplayed"/> or renamed in <see cref="FlagNames"/>.
/// <c>ReplayCommandLineTests</c> parses every printed command back into equal options.
/// </summary>
internal static class ReplayCommandLine
{
    /// <summary>How a replay command starts: a Release build, as the sweeps that find failures use.</summary>
    public const string Prefix = "dotnet run -c Release --project src/Simulation -- run";

    /// <summary>Properties that do not change what a run does: outputs and the seed (printed first).</summary>
    public static readonly IReadOnlySet<string> NotReplayed = new SortedSet<string>(StringComparer.Ordinal)
    {
        nameof(RunOptions.Seed), nameof(RunOptions.Trace), nameof(RunOptions.HistoryPath), nameof(RunOptions.RecordTimeline),
    };

    /// <summary>Properties whose flag is not the kebab-case of their name.</summary>
    private static readonly IReadOnlyDictionary<string, string> FlagNames = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        [nameof(RunOptions.DurationMs)] = "duration",
        [nameof(RunOptions.Muted)] = "mute",
    };

    /// <summary>Printed even when equal to the default, so a reader sees the run's shape at a glance.</summary>
    private static readonly IReadOnlySet<string> AlwaysPrinted = new SortedSet<string>(StringComparer.Ordinal)
    {
        nameof(RunOptions.Nodes), nameof(RunOptions.DurationMs), nameof(RunOptions.Faults),
    };

    private static readonly RunOptions Defaults = new();

    /// <summary>Every property that shapes a run, in declaration order.</summary>
    public static IReadOnlyList<PropertyInfo> Replayed { get; } = typeof(RunOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite && !NotReplayed.Contains(p.Name))
        .OrderBy(p => p.MetadataToken)
        .ToArray();

    /// <summary>The flag (without dashes) of a property.</summary>
    public static string FlagName(PropertyInfo property) =>
        FlagNames.TryGetValue(property.Name, out var name) ? name : Kebab(property.Name);

    /// <summary>The full replay command for <paramref name="options"/>.</summary>
    public static string Format(RunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var parts = new List<string> { Prefix, "--seed", options.Seed.ToString(CultureInfo.InvariantCulture) };
        foreach (var p in Replayed)
        {
            var value = p.GetValue(options);
            if (!AlwaysPrinted.Contains(p.Name) && SameValue(value, p.GetValue(Defaults))) continue;
            parts.Add("--" + FlagName(p));
            parts.Add(FormatValue(p, value));
        }
        return string.Join(' ', parts);
    }

    /// <summary>The arguments after <c>run</c> in a replay command (for parsing it back).</summary>
    public static string[] Arguments(string replayCommand)
    {
        if (!replayCommand.StartsWith(Prefix + " ", StringComparison.Ordinal))
            throw new ArgumentException($"not a replay command: '{replayCommand}'");
        return replayCommand[(Prefix.Length + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>A value as its flag expects it: durations in ms, kinds and enums by CLI name, lists comma-separated.</summary>
    public static string FormatValue(PropertyInfo property, object? value)
    {
        if (property.Name == nameof(RunOptions.DurationMs)) return ((long)value!).ToString(CultureInfo.InvariantCulture) + "ms";
        return value switch
        {
            null => "",
            FaultKinds kinds => kinds == FaultKinds.None ? "none" : FaultKindNames.Format(kinds),
            Enum e => Kebab(e.ToString()),
            bool b => b ? "true" : "false",
            string s => s,
            IEnumerable<string> list => string.Join(',', list),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            // A type the parser cannot read back: printed anyway (a run must never fail for its replay line);
            // ReplayCommandLineTests fails until the property gets a format here and a parse in ParseValue.
            _ => value.ToString() ?? "",
        };
    }

    /// <summary>Parses a flag's text into the property's type; throws <see cref="ArgumentException"/> on bad input.</summary>
    public static object? ParseValue(PropertyInfo property, string text)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var flag = "--" + FlagName(property);
        if (property.Name == nameof(RunOptions.DurationMs)) return CommonOptions.ParseDuration(text);
        if (type == typeof(FaultKinds)) return text.Trim().Equals("none", StringComparison.OrdinalIgnoreCase) ? FaultKinds.None : FaultKindNames.Parse(text);
        if (type.IsEnum)
        {
            foreach (var name in Enum.GetNames(type))
                if (Kebab(name) == text.Trim().ToLowerInvariant() || name.Equals(text.Trim(), StringComparison.OrdinalIgnoreCase))
                    return Enum.Parse(type, name);
            throw new ArgumentException($"bad {flag} '{text}': use one of {string.Join(", ", Enum.GetNames(type).Select(Kebab))}");
        }
        if (type == typeof(string)) return text;
        if (type == typeof(bool))
            return bool.TryParse(text, out var b) ? b : throw new ArgumentException($"bad {flag} '{text}': use true or false");
        if (typeof(IEnumerable<string>).IsAssignableFrom(type))
            return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!typeof(IConvertible).IsAssignableFrom(type))
            throw new ArgumentException($"{flag}: RunOptions.{property.Name} has type {type.Name}, which the command line cannot read yet");
        try
        {
            return Convert.ChangeType(text.Trim(), type, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException)
        {
            throw new ArgumentException($"bad {flag} '{text}': expected a {type.Name} value");
        }
    }

    /// <summary>Value equality, with lists compared element by element.</summary>
    public static bool SameValue(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (string x, string y) => x == y,
        (IEnumerable<string> x, IEnumerable<string> y) => x.SequenceEqual(y),
        _ => Equals(a, b),
    };

    /// <summary><c>LivenessBoundMs</c> → <c>liveness-bound-ms</c>.</summary>
    public static string Kebab(string name)
    {
        var chars = new List<char>(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                chars.Add('-');
            chars.Add(char.ToLowerInvariant(name[i]));
        }
        return new string(chars.ToArray());
    }
}
