using System.Text;
using Cairn.Simulation.Faults;

namespace Cairn.Simulation.Reporting;

/// <summary>
/// One label and one colour for every <see cref="PartitionShape"/>, derived from the enum so a shape added to
/// Faults/PartitionShapes.cs is classified and coloured without an edit here.
/// </summary>
internal static class PartitionStyles
{
    /// <summary>Distinct colours, one per shape in declaration order (cycled if there are more shapes than colours).</summary>
    private static readonly string[] Palette =
        ["#bf3989", "#8250df", "#0550ae", "#9a6700", "#cf222e", "#1b7c83", "#116329", "#6639ba", "#bc4c00", "#4d2d00"];

    /// <summary>A shape with its fault-mark kind, CSS class, colour and a one-line description.</summary>
    internal sealed record Style(PartitionShape Shape, string Kind, string Css, string Colour, string Description);

    /// <summary>Every shape's style, in declaration order.</summary>
    public static IReadOnlyList<Style> All { get; } = PartitionShapes.All
        .Select((shape, i) => new Style(shape, Kind(shape), "f-" + Kind(shape), Palette[i % Palette.Length], Describe(shape)))
        .ToArray();

    /// <summary>The kind the nemesis marks a shape with: the kebab-case name, except "isolate" for <see cref="PartitionShape.Isolated"/>.</summary>
    public static string Kind(PartitionShape shape) => shape == PartitionShape.Isolated ? "isolate" : Cli.ReplayCommandLine.Kebab(shape.ToString());

    /// <summary>The style of a fault-mark kind, or null when it is not a partition shape.</summary>
    public static Style? Find(string kind)
    {
        var k = kind.ToLowerInvariant();
        if (k is "oneway") k = "one-way";
        if (k is "isolated") k = "isolate";
        return All.FirstOrDefault(s => s.Kind == k);
    }

    /// <summary>CSS rules for every shape's class.</summary>
    public static string Css()
    {
        var css = new StringBuilder();
        foreach (var s in All) css.Append('.').Append(s.Css).Append(" { fill: ").Append(s.Colour).Append("; stroke: ").Append(s.Colour).Append("; }\n");
        return css.ToString();
    }

    private static string Describe(PartitionShape shape) => shape switch
    {
        PartitionShape.Halves => "two halves",
        PartitionShape.Isolated => "one node cut off",
        PartitionShape.MajoritiesRing => "ring: each node sees a different majority",
        PartitionShape.Bridge => "two halves joined by one bridge node",
        PartitionShape.MinorityThird => "a third cut off",
        PartitionShape.OneWay => "one direction of one link",
        _ => Cli.ReplayCommandLine.Kebab(shape.ToString()).Replace('-', ' '),
    };
}
