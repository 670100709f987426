using Cairn.Core;
using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Cairn.Simulation.Tests.Raft;
using Xunit;

namespace Cairn.Simulation.Tests.Runtime;

/// <summary>Always-on invariants (issue 7 §1): checked in Release too, naming what broke.</summary>
public sealed class InvariantTests
{
    [Fact]
    public void Invariant_FailureNamesTheInvariantAndItsValues()
    {
        var e = Assert.Throws<InvariantViolationException>(() => Invariant.Holds(false, "applied {0} at or below commit {1}", 7UL, 5UL));
        Assert.Contains("applied 7 at or below commit 5", e.Message);
        Invariant.Holds(true, "never formatted {0}", 1UL);
    }

    [Fact]
    public void Invariant_NoDebugAssertLeftInCore()
    {
        var root = FindRepoRoot();
        var offenders = Directory.EnumerateFiles(Path.Combine(root, "src", "Core"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains("Debug.Assert(", StringComparison.Ordinal))
            .ToArray();
        Assert.Empty(offenders);
    }

    /// <summary>Raft §5.1 terms only grow; a term beyond <see cref="RaftNode.TermMax"/> is corrupt or hostile.</summary>
    [Theory]
    [InlineData(ulong.MaxValue)]
    [InlineData(RaftNode.TermMax + 1)]
    public void Term_AbsurdTermIsRefusedAndCounted(ulong term)
    {
        var c = new RaftPump(3);
        c.Elect(1);
        var follower = c[2];
        var before = follower.Term;
        follower.Step(new Message { Type = MessageType.MsgHeartbeat, From = 3, To = 2, Term = term });
        follower.Step(new Message { Type = MessageType.MsgVote, From = 3, To = 2, Term = term, Index = ulong.MaxValue, LogTerm = term });
        Assert.Equal(before, follower.Term);
        Assert.Equal(2, follower.AbsurdTermsRefused);
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Sim.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Sim.sln not found above the test binaries");
    }
}
