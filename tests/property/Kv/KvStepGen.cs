using Cairn.Core.Kv.Wire;
using FsCheck;
using FsCheck.Fluent;
using static Cairn.Property.Tests.Kv.Kv;

namespace Cairn.Property.Tests.Kv;

/// <summary>One step of a random workload: a replicated command or a read.</summary>
public sealed record KvStep(KvCommand? Command, RangeRequest? Read)
{
    public override string ToString() => Command?.ToString() ?? "read " + Read;
}

/// <summary>FsCheck generators over a tiny key space, so collisions, overlaps and dups are common.</summary>
internal static class KvStepGen
{
    private static readonly string[] Keys = ["a", "ab", "b", "c", "d"];
    private static readonly string[] Ends = ["", "", "b", "c", "e", "\0"];

    private static Gen<string> Key => Gen.Elements(Keys);

    private static Gen<string> Value => Gen.Elements("x", "y", "z", "");

    private static Gen<long> Rev => Gen.Frequency((3, Gen.Constant(0L)), (2, Gen.Choose(1, 14).Select(i => (long)i)));

    private static Gen<KvCommand> PutGen =>
        from k in Key
        from v in Value
        from lease in Gen.Frequency((5, Gen.Constant(0L)), (2, Gen.Choose(1, 3).Select(i => (long)i)))
        from prev in ArbMap.Default.GeneratorFor<bool>()
        select Put(k, v, lease, prev);

    private static Gen<KvCommand> DeleteGen =>
        from k in Key
        from end in Gen.Elements(Ends)
        from prev in ArbMap.Default.GeneratorFor<bool>()
        select Delete(k, end, prev);

    internal static Gen<RangeRequest> RangeGen =>
        from k in Gen.Elements(Keys.Append("\0").ToArray())
        from end in Gen.Elements(Ends)
        from rev in Rev
        from limit in Gen.Choose(0, 3)
        from order in Gen.Elements(Enum.GetValues<RangeRequest.Types.SortOrder>())
        from target in Gen.Elements(Enum.GetValues<RangeRequest.Types.SortTarget>())
        from flags in Gen.Choose(0, 15)
        from minMod in Gen.Frequency((4, Gen.Constant(0L)), (1, Gen.Choose(1, 8).Select(i => (long)i)))
        select new RangeRequest
        {
            Key = B(k), RangeEnd = B(end), Revision = rev, Limit = limit, SortOrder = order, SortTarget = target,
            CountOnly = (flags & 1) != 0 && (flags & 2) != 0, KeysOnly = (flags & 4) != 0,
            MinModRevision = minMod, MaxCreateRevision = (flags & 8) != 0 ? 6 : 0,
        };

    private static Gen<Compare> CompareGen =>
        from k in Key
        from end in Gen.Elements("", "", "c", "\0")
        from target in Gen.Elements(Enum.GetValues<Compare.Types.CompareTarget>())
        from result in Gen.Elements(Enum.GetValues<Compare.Types.CompareResult>())
        from n in Gen.Choose(0, 4)
        from v in Value
        select WithTarget(new Compare { Key = B(k), RangeEnd = B(end), Target = target, Result = result }, n, v);

    private static Compare WithTarget(Compare c, long n, string v)
    {
        switch (c.Target)
        {
            case Compare.Types.CompareTarget.Value: c.Value = B(v); break;
            case Compare.Types.CompareTarget.Version: c.Version = n; break;
            case Compare.Types.CompareTarget.Create: c.CreateRevision = n; break;
            case Compare.Types.CompareTarget.Mod: c.ModRevision = n; break;
            default: c.Lease = n; break;
        }
        return c;
    }

    private static Gen<RequestOp> OpGen => Gen.OneOf(
        PutGen.Select(c => new RequestOp { RequestPut = c.Put }),
        DeleteGen.Select(c => new RequestOp { RequestDeleteRange = c.DeleteRange }),
        RangeGen.Select(r => new RequestOp { RequestRange = r }));

    private static Gen<KvCommand> TxnGen =>
        from compares in Gen.Choose(0, 2).SelectMany(n => Gen.ListOf(CompareGen, n))
        from success in Gen.Choose(0, 3).SelectMany(n => Gen.ListOf(OpGen, n))
        from failure in Gen.Choose(0, 3).SelectMany(n => Gen.ListOf(OpGen, n))
        select Txn(new TxnRequest { Compare = { compares }, Success = { success }, Failure = { failure } });

    internal static Gen<KvStep> StepGen => Gen.Frequency(
        (6, PutGen.Select(c => new KvStep(c, null))),
        (2, DeleteGen.Select(c => new KvStep(c, null))),
        (4, RangeGen.Select(r => new KvStep(null, r))),
        (3, TxnGen.Select(c => new KvStep(c, null))),
        (1, Gen.Choose(0, 12).Select(r => new KvStep(Compact(r), null))),
        (1, Gen.Choose(1, 8).Select(t => new KvStep(Grant(t), null))),
        (1, Gen.Choose(1, 4).Select(id => new KvStep(Revoke(id), null))));

    internal static Arbitrary<KvStep[]> Workload =>
        Arb.From(Gen.Choose(1, 60).SelectMany(n => Gen.ArrayOf(StepGen, n)), DropOne);

    private static IEnumerable<KvStep[]> DropOne(KvStep[] steps)
    {
        for (int i = steps.Length - 1; i >= 0; i--)
        {
            yield return steps.Take(i).Concat(steps.Skip(i + 1)).ToArray();
        }
    }
}
