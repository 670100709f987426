using Cairn.Core.Kv;
using Cairn.Core.Kv.Wire;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using static Cairn.Property.Tests.Kv.Kv;

namespace Cairn.Property.Tests.Kv;

/// <summary>Model-based properties: the state machine answers every request exactly as the naive
/// reference model does, and a snapshot restore is indistinguishable from the original.</summary>
public sealed class KvModelProperties
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(300);

    [Fact]
    public void Every_reply_matches_the_reference_model_over_random_workloads()
    {
        MatchesModel(KvBugs.None).Check(Runs);
    }

    [Fact]
    public void Model_comparison_catches_the_non_atomic_txn_canary()
    {
        Assert.ThrowsAny<Exception>(() => MatchesModel(new KvBugs { NonAtomicTxn = true }).Check(Runs));
    }

    private static FsCheck.Property MatchesModel(KvBugs bugs)
    {
        return Prop.ForAll(KvStepGen.Workload, steps =>
        {
            var replica = new KvReplica(new KvStateMachine(null, null, null, null, bugs));
            var model = new ReferenceModel();
            foreach (KvStep step in steps)
            {
                AssertSameReply(step, Expected(model, step), Actual(replica, step));
            }
            AssertSameHistory(replica, model);
        });
    }

    [Fact]
    public void Restored_snapshot_answers_and_continues_identically_to_the_original()
    {
        Arbitrary<(KvStep[] Before, KvStep[] After)> arb =
            KvStepGen.Workload.Generator.SelectMany(a => KvStepGen.Workload.Generator.Select(b => (a, b))).ToArbitrary();
        Prop.ForAll(arb, run =>
        {
            var original = new KvReplica();
            foreach (KvStep step in run.Before)
            {
                Actual(original, step);
            }
            var restored = new KvReplica { Index = original.Index };
            restored.Machine.RestoreSnapshot(original.Machine.TakeSnapshot());
            Assert.Equal(original.Machine.AppliedIndex, restored.Machine.AppliedIndex);
            Assert.Equal(original.Machine.TakeSnapshot(), restored.Machine.TakeSnapshot());
            foreach (KvStep step in run.After)
            {
                AssertSameReply(step, Actual(original, step), Actual(restored, step));
            }
            AssertSameHistory(original, restored);
        }).Check(Runs.WithMaxTest(150));
    }

    private static KvResult Expected(ReferenceModel model, KvStep step) =>
        step.Command is not null ? model.Apply(step.Command) : model.Read(step.Read!);

    private static KvResult Actual(KvReplica replica, KvStep step) =>
        KvReplica.WithoutMessage(step.Command is not null ? replica.Apply(step.Command) : replica.Read(step.Read!));

    private static void AssertSameReply(KvStep step, KvResult expected, KvResult actual)
    {
        if (!expected.Equals(actual))
        {
            Assert.Fail($"step {step}\nexpected {expected}\nactual   {actual}");
        }
    }

    /// <summary>Every readable revision holds the same key space in both.</summary>
    private static void AssertSameHistory(KvReplica replica, ReferenceModel model)
    {
        for (long rev = replica.Machine.CompactRevision; rev <= replica.Machine.Revision + 1; rev++)
        {
            RangeRequest all = Get("\0", "\0", rev);
            AssertSameReply(new KvStep(null, all), model.Read(all), KvReplica.WithoutMessage(replica.Read(all)));
        }
    }

    private static void AssertSameHistory(KvReplica a, KvReplica b)
    {
        Assert.Equal(a.Machine.Revision, b.Machine.Revision);
        for (long rev = a.Machine.CompactRevision; rev <= a.Machine.Revision + 1; rev++)
        {
            RangeRequest all = Get("\0", "\0", rev);
            Assert.Equal(a.Read(all), b.Read(all));
        }
    }
}
