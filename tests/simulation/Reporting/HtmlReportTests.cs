using System.Text.RegularExpressions;
using Cairn.Simulation.Reporting;
using Xunit;

namespace Cairn.Simulation.Tests.Reporting;

/// <summary>The HTML report is self-contained, escaped, deterministic and bounded in size.</summary>
public class HtmlReportTests
{
    private static int Count(string haystack, string needle) => Regex.Matches(haystack, Regex.Escape(needle)).Count;

    /// <summary>The timeline SVG alone (the legend draws swatches with the same classes).</summary>
    private static string Chart(string html)
    {
        var start = html.IndexOf("<svg class=\"timeline\"", StringComparison.Ordinal);
        return html[start..(html.IndexOf("</svg>", start, StringComparison.Ordinal) + 6)];
    }

    [Fact]
    public void Render_IsACompleteDocument()
    {
        var html = HtmlReport.Render(SampleTimelines.Small());
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.EndsWith("</html>\n", html);
        Assert.Contains("<svg class=\"timeline\"", html);
    }

    [Fact]
    public void Render_LoadsNothingFromOutside()
    {
        var html = HtmlReport.Render(SampleTimelines.Large());
        Assert.DoesNotMatch(new Regex(@"(src|href)\s*=\s*[""']?\s*(https?:)?//", RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("@import", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        // url(...) only ever refers to patterns defined in the page itself.
        foreach (Match m in Regex.Matches(html, @"url\(([^)]*)\)"))
            Assert.StartsWith("#", m.Groups[1].Value);
    }

    [Fact]
    public void Render_DrawsOneLanePerNode()
    {
        var small = HtmlReport.Render(SampleTimelines.Small());
        Assert.Equal(3, Regex.Matches(small, "class=\"lanelabel\"[^>]*><title>node \\d+</title>").Count);
        for (var n = 1; n <= 3; n++) Assert.Contains($"<title>node {n}</title>node {n}</text>", small);

        var large = HtmlReport.Render(SampleTimelines.Large());
        Assert.Equal(5, Regex.Matches(large, "class=\"lanelabel\"[^>]*><title>node \\d+</title>").Count);
    }

    [Fact]
    public void Render_ShowsNodesWithoutRoles()
    {
        var t = new Timeline { Seed = 1, Nodes = 4, EndMs = 1000 };
        var html = HtmlReport.Render(t);
        Assert.Equal(4, Regex.Matches(html, "class=\"lanelabel\"[^>]*><title>node \\d+</title>").Count);
    }

    [Fact]
    public void Render_ShowsTheViolationProminently()
    {
        var html = HtmlReport.Render(SampleTimelines.Small());
        Assert.Contains(SampleTimelines.ViolationText, html);
        Assert.Contains("class=\"violations\"", html);
        Assert.Contains("class=\"violation\"", html); // the red line across the lanes
        Assert.Contains("1 violation", html);
    }

    [Fact]
    public void Render_WithoutViolations_SaysSo()
    {
        var t = SampleTimelines.Small();
        t.Violations.Clear();
        var html = HtmlReport.Render(t);
        Assert.Contains("no violations", html);
        Assert.DoesNotContain("class=\"violations\"", html);
        Assert.DoesNotContain("class=\"violation\"", html);
    }

    [Fact]
    public void Render_EscapesText()
    {
        var t = SampleTimelines.Small();
        t.ReplayCommand = "cairn-sim run --seed 42 --note \"</code><script>x</script>\"";
        t.Faults.Add(new FaultMark(9_000, "clog", [1], 100, "<img src=x onerror=alert(1)>"));
        var html = HtmlReport.Render(t);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>x</b>", html);
        Assert.Contains("put k2=&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("get &quot;k2&quot; &amp; &#39;k3&#39;", html);
        Assert.Contains("put k2=&lt;b&gt;x&lt;/b&gt;", html); // section text
    }

    [Fact]
    public void Render_IsDeterministic()
    {
        Assert.Equal(HtmlReport.Render(SampleTimelines.Small()), HtmlReport.Render(SampleTimelines.Small()));
        Assert.Equal(HtmlReport.Render(SampleTimelines.Large()), HtmlReport.Render(SampleTimelines.Large()));
    }

    [Fact]
    public void Render_IsCultureInvariant()
    {
        var expected = HtmlReport.Render(SampleTimelines.Large());
        var previous = Thread.CurrentThread.CurrentCulture;
        try
        {
            // Globalization-invariant mode forbids named cultures, so make one that formats numbers like de-DE.
            var comma = (System.Globalization.CultureInfo)System.Globalization.CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            comma.NumberFormat.NumberGroupSeparator = ".";
            Thread.CurrentThread.CurrentCulture = comma;
            Assert.Equal(expected, HtmlReport.Render(SampleTimelines.Large()));
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Render_RendersSectionsAsPreformattedBlocks()
    {
        var html = HtmlReport.Render(SampleTimelines.Small());
        Assert.Contains("<h2>Linearizability counterexample</h2><pre>", html);
    }

    [Fact]
    public void Render_OperationsCarryTooltipsAndOutcomes()
    {
        var html = Chart(HtmlReport.Render(SampleTimelines.Small()));
        Assert.Equal(3, Count(html, "<rect class=\"o-ok\""));
        Assert.Equal(1, Count(html, "<rect class=\"o-fail\""));
        Assert.Equal(1, Count(html, "<rect class=\"o-unknown\""));
        Assert.Contains("<title>client 1: put k1=v1\nok", html);
        Assert.Contains("never completed", html);
    }

    [Fact]
    public void Render_ManyOperations_DrawsASampleAndSaysSo()
    {
        var t = SampleTimelines.Large();
        Assert.True(t.Operations.Count > HtmlReport.MaxDrawnOperations, $"sample has only {t.Operations.Count} ops");
        var page = HtmlReport.Render(t);
        var html = Chart(page);
        var drawn = Count(html, "<rect class=\"o-");
        Assert.Equal(HtmlReport.MaxDrawnOperations, drawn);
        Assert.Contains($"Showing {HtmlReport.MaxDrawnOperations} of {t.Operations.Count} client operations", page);
        // Every operation that did not simply succeed is kept.
        var notOk = t.Operations.Count(o => o.Outcome != "ok" || o.EndMs is null);
        Assert.True(Count(html, "<rect class=\"o-fail\"") + Count(html, "<rect class=\"o-unknown\"") == notOk);
    }

    [Fact]
    public void Render_LargeRun_StaysWellUnderFiveMegabytes()
    {
        var html = HtmlReport.Render(SampleTimelines.Large());
        Assert.True(html.Length < 5_000_000, $"report is {html.Length} chars");
    }

    [Fact]
    public void Render_SizeIsBoundedByTheSample_NotByTheRun()
    {
        var t = SampleTimelines.Large();
        var extra = t.Operations.ToList();
        for (var copy = 0; copy < 5; copy++)
            t.Operations.AddRange(extra.Select(o => o with { Client = o.Client + 5 * (copy + 1) }));
        var html = HtmlReport.Render(t);
        Assert.Equal(HtmlReport.MaxDrawnOperations, Count(Chart(html), "<rect class=\"o-"));
        Assert.True(html.Length < 5_000_000, $"report is {html.Length} chars");
    }

    [Fact]
    public void Render_ManyViolations_AllListedAndDrawn()
    {
        var t = SampleTimelines.Small();
        for (var i = 0; i < 6; i++) t.Violations.Add((7_000 + i * 100, $"extra violation {i}"));
        var html = HtmlReport.Render(t);
        Assert.Equal(7, Count(html, "<g class=\"violation\">"));
        for (var i = 0; i < 6; i++) Assert.Contains($"extra violation {i}", html);
        Assert.Contains("7 violations", html);
    }

    [Fact]
    public void Render_EmptyTimeline_DoesNotThrow()
    {
        var html = HtmlReport.Render(new Timeline());
        Assert.Contains("no client operations recorded", html);
        Assert.Throws<ArgumentNullException>(() => HtmlReport.Render(null!));
    }
}
