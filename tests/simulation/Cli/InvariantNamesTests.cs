using System.Text.RegularExpressions;
using Cairn.Simulation.Cli;
using Xunit;

namespace Cairn.Simulation.Tests.Cli;

/// <summary><c>--mute</c> accepts exactly the invariants a run can report: every <c>Report("Name", …)</c> in src/Simulation is listed.</summary>
public partial class InvariantNamesTests
{
    [GeneratedRegex("""\bReport\(\s*"([A-Za-z]+)"\s*,""")]
    private static partial Regex ReportCall();

    [Fact]
    public void EveryReportedInvariant_IsAMutableName()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Sim.sln"))) root = root.Parent;
        Assert.NotNull(root);
        var reported = Directory.EnumerateFiles(Path.Combine(root!.FullName, "src", "Simulation"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .SelectMany(f => ReportCall().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet();
        Assert.NotEmpty(reported);
        Assert.Empty(reported.Except(InvariantNames.All).Order());
    }

    [Fact]
    public void Mute_RefusesUnknownNames_AndAcceptsKnownOnes()
    {
        Assert.Equal(new[] { "Liveness", "ElectionSafety" }, InvariantNames.ParseList("Liveness, ElectionSafety"));
        var error = Assert.Throws<ArgumentException>(() => InvariantNames.ParseList("Liveness,Livenes"));
        Assert.Contains("Livenes", error.Message);
    }
}
