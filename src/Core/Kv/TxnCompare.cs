using Cairn.Core.Kv.Wire;
using Target = Cairn.Core.Kv.Wire.Compare.Types.CompareTarget;
using Result = Cairn.Core.Kv.Wire.Compare.Types.CompareResult;

namespace Cairn.Core.Kv;

/// <summary>
/// etcd's applyCompare: every live key of the compare's range must satisfy it. When no key is
/// live, a VALUE compare fails and the others compare against zero (version, create, mod, lease).
/// </summary>
internal static class TxnCompare
{
    internal static bool All(IMvccBackend backend, IEnumerable<Compare> compares, long atRevision)
    {
        return compares.All(c => Holds(backend, c, atRevision));
    }

    private static bool Holds(IMvccBackend backend, Compare c, long atRevision)
    {
        var kvs = backend.Range(KeyRange.From(c.Key, c.RangeEnd), atRevision).ToList();
        if (kvs.Count == 0)
        {
            return c.Target != Target.Value && Satisfies(c, new KeyValue());
        }
        return kvs.All(kv => Satisfies(c, kv));
    }

    private static bool Satisfies(Compare c, KeyValue kv)
    {
        int order = c.Target switch
        {
            Target.Value => Math.Sign(kv.Value.Span.SequenceCompareTo(
                c.TargetUnionCase == Compare.TargetUnionOneofCase.Value ? c.Value.Span : default)),
            Target.Create => kv.CreateRevision.CompareTo(c.CreateRevision),
            Target.Mod => kv.ModRevision.CompareTo(c.ModRevision),
            Target.Version => kv.Version.CompareTo(c.Version),
            Target.Lease => kv.Lease.CompareTo(c.Lease),
            _ => 0,
        };
        return c.Result switch
        {
            Result.Equal => order == 0,
            Result.NotEqual => order != 0,
            Result.Greater => order > 0,
            Result.Less => order < 0,
            _ => true,
        };
    }
}
