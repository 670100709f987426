using Cairn.Simulation.Checking.Linearizability;
using Cairn.Simulation.Checking.Linearizability.Benchmark;
using Cairn.Simulation.Checking.Linearizability.Kv;
using Cairn.Simulation.History;
using FsCheck.Xunit;

namespace Cairn.Property.Tests.Linearizability;

/// <summary>
/// Histories from a sequential reference execution with random overlapping intervals are
/// linearizable by construction; guaranteed mutations of them are not.
/// </summary>
public sealed class GeneratedHistoryProperties
{
    private static readonly KvHistoryOptions Mixed = new()
    {
        Operations = 160,
        Keys = 6,
        Clients = 4,
        RangeFraction = 0.04,
        MultiKeyTxnFraction = 0.04,
        InfoFraction = 0.03,
        FailFraction = 0.03,
    };

    private static readonly KvHistoryOptions PerKey = new() { Operations = 300, Keys = 8, Clients = 5, InfoFraction = 0.02 };

    [Property(MaxTest = 60)]
    public bool HistoriesOfALinearizableStoreAreAccepted(int seed)
    {
        LinearizabilityResult result = KvLinearizabilityChecker.Check(KvHistoryGenerator.Generate(Mixed, seed));
        return result.Ok;
    }

    [Property(MaxTest = 60)]
    public bool PerKeyHistoriesAreAcceptedAndSplitByKey(int seed)
    {
        LinearizabilityResult result = KvLinearizabilityChecker.Check(KvHistoryGenerator.Generate(PerKey, seed));
        return result.Ok && result.Statistics.Partitions <= PerKey.Keys;
    }

    [Property(MaxTest = 60)]
    public bool ReadOfANeverWrittenValueIsRejected(int seed)
    {
        IReadOnlyList<HistoryOperation>? mutated = HistoryMutation.ReadNeverWrittenValue(KvHistoryGenerator.Generate(Mixed, seed), seed);
        if (mutated is null)
        {
            return true;
        }

        LinearizabilityResult result = KvLinearizabilityChecker.Check(mutated);
        return !result.Ok && !result.TimedOut && result.MinimalCounterexample.Count > 0;
    }

    [Property(MaxTest = 60)]
    public bool ReadOfAnOverwrittenValueIsRejected(int seed)
    {
        IReadOnlyList<HistoryOperation>? mutated = HistoryMutation.ReadStaleValue(KvHistoryGenerator.Generate(PerKey, seed));
        return mutated is null || !KvLinearizabilityChecker.Check(mutated).Ok;
    }

    [Property(MaxTest = 40)]
    public bool PartitionsCoverEveryOperationOnceAndKeepKeysTogether(int seed)
    {
        HistoryOperation[] h = [.. KvHistoryGenerator.Generate(Mixed, seed).Where(o => o.Outcome == OperationOutcome.Ok)];
        ModelOperation<KvRequest, KvResponse>[] ops = [.. h.Select((o, i) => new ModelOperation<KvRequest, KvResponse>(i, o.Request, o.Response, o.CallTime, o.ReturnTime))];
        IReadOnlyList<HistoryPartition> partitions = default(KvModel).Partition(ops);
        int[] owner = new int[ops.Length];
        Array.Fill(owner, -1);
        for (int p = 0; p < partitions.Count; p++)
        {
            foreach (int i in partitions[p].Operations)
            {
                if (owner[i] >= 0)
                {
                    return false;
                }

                owner[i] = p;
            }
        }

        return owner.All(p => p >= 0) && PutsOfOneKeyShareAPartition(h, owner);
    }

    [Property(MaxTest = 20)]
    public bool GenerationIsDeterministic(int seed)
    {
        string Lines() => string.Join("\n", EventPairing.ToEvents(KvHistoryGenerator.Generate(Mixed, seed)).Select(HistoryJsonWriter.ToLine));
        return Lines() == Lines();
    }

    private static bool PutsOfOneKeyShareAPartition(HistoryOperation[] h, int[] owner)
    {
        var partitionOfKey = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < h.Length; i++)
        {
            if (h[i].Request is PutRequest put && partitionOfKey.TryGetValue(put.Key, out int p) && p != owner[i])
            {
                return false;
            }

            if (h[i].Request is PutRequest first)
            {
                partitionOfKey[first.Key] = owner[i];
            }
        }

        return true;
    }
}
