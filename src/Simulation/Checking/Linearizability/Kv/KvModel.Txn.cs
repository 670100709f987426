using Cairn.Simulation.History;

namespace Cairn.Simulation.Checking.Linearizability.Kv;

/// <summary>Transactions: guards, branch choice and the nested operations, all at one revision.</summary>
public readonly partial struct KvModel
{
    private enum Truth
    {
        False,
        True,
        Undecided,
    }

    private static bool StepTxn(ref KeyTable table, ref long floor, TxnRequest t, TxnResponse? output, bool unknown)
    {
        if (!unknown && output is null)
        {
            return false;
        }

        Truth guards = Evaluate(in table, t.Compares);

        // A guard on a revision known only as a lower bound cannot be decided; with a known reply
        // the reply decides, with an unknown one the model declines (docs: limits).
        if (guards == Truth.Undecided && unknown)
        {
            return false;
        }

        bool succeeded = guards == Truth.Undecided ? output!.Succeeded : guards == Truth.True;
        if (!unknown && output!.Succeeded != succeeded)
        {
            return false;
        }

        IReadOnlyList<KvRequest> branch = succeeded ? t.Success : t.Failure;
        if (!unknown && output!.Responses.Count != branch.Count)
        {
            return false;
        }

        long revision = unknown ? Revision.Above(floor) : output!.Revision;
        KeyTable before = table; // etcd decides every nested guard on the state before the txn (compareToPath)
        if (!ApplyBranch(ref table, in before, branch, output, revision, out bool wrote))
        {
            return false;
        }

        if (unknown)
        {
            floor += wrote ? 1 : 0;
            return true;
        }

        if (!AdvancesFloor(revision, floor, wrote))
        {
            return false;
        }

        floor = revision;
        return true;
    }

    private static bool ApplyBranch(ref KeyTable table, in KeyTable before, IReadOnlyList<KvRequest> branch, TxnResponse? output, long revision, out bool wrote)
    {
        wrote = false;
        for (int i = 0; i < branch.Count; i++)
        {
            KvResponse? reply = output?.Responses[i];
            switch (branch[i])
            {
                case PutRequest p:
                    table.Put(p.Key, p.Value, revision);
                    wrote = true;
                    break;
                case DeleteRequest d:
                    int deleted = table.Delete(d.Key, d.RangeEnd, revision);
                    wrote |= deleted > 0;
                    if (reply is not null && (reply is not DeleteResponse dr || dr.Deleted != deleted))
                    {
                        return false;
                    }

                    break;
                case RangeRequest { Revision: > 0 } r:
                    // A nested read at a past revision: the compaction revision is not known inside a branch, so only
                    // a successful reply is checked, against the log as it was before this transaction.
                    if (reply is not null && reply is RangeResponse past && !MatchAt(in table, r, past.Kvs))
                    {
                        return false;
                    }

                    break;
                case RangeRequest r:
                    if (reply is not null && (reply is not RangeResponse rr || !MatchKvs(ref table, r.Key, r.RangeEnd, rr.Kvs, revision)))
                    {
                        return false;
                    }

                    break;
                case TxnRequest nested:
                    if (!ApplyNested(ref table, in before, nested, reply, revision, out bool nestedWrote))
                    {
                        return false;
                    }

                    wrote |= nestedWrote;
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    /// <summary>A nested txn: its guards read the state before the outer txn; its branch runs at the outer revision.</summary>
    private static bool ApplyNested(ref KeyTable table, in KeyTable before, TxnRequest nested, KvResponse? reply, long revision, out bool wrote)
    {
        wrote = false;
        var nestedReply = reply as TxnResponse;
        if (reply is not null && nestedReply is null)
        {
            return false;
        }

        Truth guards = Evaluate(in before, nested.Compares);
        if (guards == Truth.Undecided && nestedReply is null)
        {
            return false;
        }

        bool succeeded = guards == Truth.Undecided ? nestedReply!.Succeeded : guards == Truth.True;
        IReadOnlyList<KvRequest> branch = succeeded ? nested.Success : nested.Failure;
        if (nestedReply is not null && (nestedReply.Succeeded != succeeded || nestedReply.Responses.Count != branch.Count))
        {
            return false;
        }

        return ApplyBranch(ref table, in before, branch, nestedReply, revision, out wrote);
    }

    private static Truth Evaluate(in KeyTable table, IReadOnlyList<TxnCompare> compares)
    {
        Truth all = Truth.True;
        foreach (TxnCompare c in compares)
        {
            Truth one = Evaluate(in table, c);
            if (one == Truth.False)
            {
                return Truth.False;
            }

            all = one == Truth.Undecided ? Truth.Undecided : all;
        }

        return all;
    }

    private static Truth Evaluate(in KeyTable table, TxnCompare c)
    {
        int i = table.IndexOf(c.Key);
        if (i < 0)
        {
            // etcd: a guard on the value of a missing key is false; other fields of a missing key are 0.
            return c.Target == CompareTarget.Value ? Truth.False : Holds(c.Operator, 0L.CompareTo(c.Number));
        }

        KeyRecord r = table.Span[i];
        return c.Target switch
        {
            CompareTarget.Value => Holds(c.Operator, Math.Sign(string.CompareOrdinal(r.Value, c.Value ?? string.Empty))),
            CompareTarget.Version => Holds(c.Operator, r.Version.CompareTo(c.Number)),
            CompareTarget.CreateRevision => Revision.IsKnown(r.CreateRevision) ? Holds(c.Operator, r.CreateRevision.CompareTo(c.Number)) : Truth.Undecided,
            _ => Revision.IsKnown(r.ModRevision) ? Holds(c.Operator, r.ModRevision.CompareTo(c.Number)) : Truth.Undecided,
        };
    }

    private static Truth Holds(CompareOperator op, int sign)
    {
        bool holds = op switch
        {
            CompareOperator.Equal => sign == 0,
            CompareOperator.NotEqual => sign != 0,
            CompareOperator.Greater => sign > 0,
            _ => sign < 0,
        };
        return holds ? Truth.True : Truth.False;
    }
}
