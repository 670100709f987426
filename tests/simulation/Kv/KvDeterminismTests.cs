using Xunit;

namespace Cairn.Simulation.Tests.Kv;

/// <summary>The kv workload (KV service, sessions, leases on skewed clocks, watches) is deterministic across processes.</summary>
public class KvDeterminismTests
{
    private static string RunInProcess(ulong seed, string historyPath) =>
        SimProcess.TraceHash($"run --seed {seed} --duration 20s --workload kv --history \"{historyPath}\"");

    [Fact]
    public void SameSeed_TwoProcesses_SameTraceHashAndHistory()
    {
        var dir = Directory.CreateTempSubdirectory("cairn-kv-");
        try
        {
            var a = Path.Combine(dir.FullName, "a.jsonl");
            var b = Path.Combine(dir.FullName, "b.jsonl");
            Assert.Equal(RunInProcess(5, a), RunInProcess(5, b));
            Assert.True(new FileInfo(a).Length > 0);
            Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
