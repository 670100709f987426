using Cairn.Simulation.Faults;
using Cairn.Simulation.Reporting;
using Xunit;

namespace Cairn.Simulation.Tests.Reporting;

/// <summary>The report classifies every Jepsen partition shape the nemesis draws, each with its own label and colour.</summary>
public class PartitionShapeLabelTests
{
    [Fact]
    public void EveryShape_HasItsOwnLabelCssAndColour_AndIsAPartition()
    {
        var styles = PartitionStyles.All;
        Assert.Equal(PartitionShapes.All.Count, styles.Count);
        Assert.Equal(styles.Count, styles.Select(s => s.Kind).Distinct().Count());
        Assert.Equal(styles.Count, styles.Select(s => s.Css).Distinct().Count());
        Assert.Equal(styles.Count, styles.Select(s => s.Colour).Distinct().Count());
        foreach (var s in styles)
        {
            Assert.Equal(TimelineSvg.FaultClass.Partition, TimelineSvg.Classify(s.Kind));
            Assert.Equal(s.Css, TimelineSvg.FaultCss(s.Kind));
        }
    }

    [Fact]
    public void EveryPartitionMark_OfRealRuns_GetsAShapeOfItsOwn()
    {
        var seen = new HashSet<string>();
        var onlyPartitions = FaultKinds.All & ~FaultKinds.Partition;
        for (ulong seed = 1; seed <= 6; seed++)
        {
            var r = Simulator.Run(new RunOptions { Seed = seed, DurationMs = 30_000, Without = onlyPartitions, RecordTimeline = true });
            foreach (var f in r.Timeline!.Faults.Where(f => f.Detail.Contains(": cut ", StringComparison.Ordinal))) // SimWorld.Partition's marks
            {
                var style = PartitionStyles.Find(f.Kind);
                Assert.True(style is not null, $"fault mark '{f.Kind}' is not classified as a partition shape");
                seen.Add(style!.Kind);
            }
            var html = HtmlReport.Render(r.Timeline);
            foreach (var s in PartitionStyles.All) Assert.Contains("." + s.Css + " { fill: " + s.Colour, html);
        }
        Assert.True(seen.Count >= 4, $"only {string.Join(", ", seen)} drawn in six runs");
    }
}
