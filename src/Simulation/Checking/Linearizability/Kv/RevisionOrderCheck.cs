using Cairn.Simulation.History;

namespace Cairn.Simulation.Checking.Linearizability.Kv;

/// <summary>A pair of operations whose revisions contradict the global revision order.</summary>
/// <param name="Reason">What is wrong, in one sentence.</param>
/// <param name="First">The earlier operation (or the first of a duplicate pair).</param>
/// <param name="Second">The later operation.</param>
public sealed record RevisionViolation(string Reason, HistoryOperation First, HistoryOperation Second);

/// <summary>
/// The cross-partition half of the KV check, O(n log n) over completed operations with known
/// replies: (1) distinct writes have distinct revisions; (2) if A returned before B was invoked,
/// rev(A) &lt; rev(B) when B is a write and rev(A) &lt;= rev(B) when B is a read (for a read, its
/// header revision). Rule (2) includes "a read's header is at least the revision of every write
/// that completed before the read began"; (3) a key a read returns with create or mod revision r
/// is among the keys written by the operation that owns revision r, when that operation is known.
/// Error replies (compacted, future revision) carry no revision and are left to the search; a
/// compaction's header is a read's header.
/// </summary>
public static class RevisionOrderCheck
{
    /// <summary>Finds the first violation in a deterministic order, or null.</summary>
    /// <param name="history">The operations; those without a known reply are ignored.</param>
    /// <returns>The violation, or null when the revisions are consistent.</returns>
    public static RevisionViolation? Check(IReadOnlyList<HistoryOperation> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        HistoryOperation[] known = history.Where(o => o.Outcome == OperationOutcome.Ok && o.Response is not null and not KvErrorResponse).ToArray();
        return DuplicateWriteRevision(known) ?? RealTimeOrder(known) ?? ForeignObservedRevision(known);
    }

    /// <summary>True when the reply shows that the operation created a new revision.</summary>
    /// <param name="op">A completed operation.</param>
    /// <returns>Whether it wrote.</returns>
    public static bool Wrote(HistoryOperation op)
    {
        ArgumentNullException.ThrowIfNull(op);
        return op.Response switch
        {
            PutResponse => true,
            DeleteResponse d => d.Deleted > 0,
            TxnResponse t => BranchWrote(op.Request as TxnRequest, t),
            _ => false,
        };
    }

    private static bool BranchWrote(TxnRequest? request, TxnResponse response) =>
        (request is not null && TakenPuts(request, response).Any()) || Deletions(response).Any(d => d.Deleted > 0);

    /// <summary>The keys put by the branches a txn took, nested txns included.</summary>
    private static IEnumerable<string> TakenPuts(TxnRequest request, TxnResponse response)
    {
        IReadOnlyList<KvRequest> branch = response.Succeeded ? request.Success : request.Failure;
        for (int i = 0; i < branch.Count; i++)
        {
            if (branch[i] is PutRequest p)
            {
                yield return p.Key;
            }
            else if (branch[i] is TxnRequest nested && i < response.Responses.Count && response.Responses[i] is TxnResponse nestedResponse)
            {
                foreach (string key in TakenPuts(nested, nestedResponse))
                {
                    yield return key;
                }
            }
        }
    }

    private static IEnumerable<DeleteResponse> Deletions(TxnResponse response) =>
        response.Responses.OfType<DeleteResponse>().Concat(response.Responses.OfType<TxnResponse>().SelectMany(Deletions));

    private static RevisionViolation? DuplicateWriteRevision(HistoryOperation[] known)
    {
        HistoryOperation[] writes = known.Where(Wrote).OrderBy(o => o.Response!.Revision).ThenBy(o => o.Index).ToArray();
        for (int i = 1; i < writes.Length; i++)
        {
            if (writes[i].Response!.Revision == writes[i - 1].Response!.Revision)
            {
                return new RevisionViolation($"two writes share revision {writes[i].Response!.Revision}", writes[i - 1], writes[i]);
            }
        }

        return null;
    }

    private static RevisionViolation? RealTimeOrder(HistoryOperation[] known)
    {
        HistoryOperation[] byCall = [.. known.OrderBy(o => o.CallTime).ThenBy(o => o.Index)];
        HistoryOperation[] byReturn = [.. known.OrderBy(o => o.ReturnTime).ThenBy(o => o.Index)];
        HistoryOperation? highest = null;
        int returned = 0;
        foreach (HistoryOperation later in byCall)
        {
            while (returned < byReturn.Length && byReturn[returned].ReturnTime < later.CallTime)
            {
                HistoryOperation done = byReturn[returned++];
                highest = highest is null || done.Response!.Revision > highest.Response!.Revision ? done : highest;
            }

            if (highest is not null && Contradicts(highest, later))
            {
                return new RevisionViolation(Explain(highest, later), highest, later);
            }
        }

        return null;
    }

    private static RevisionViolation? ForeignObservedRevision(HistoryOperation[] known)
    {
        var owner = new Dictionary<long, HistoryOperation>();
        foreach (HistoryOperation write in known.Where(Wrote))
        {
            owner[write.Response!.Revision] = write;
        }

        foreach (HistoryOperation read in known.OrderBy(o => o.Index))
        {
            foreach (KeyValue kv in ReturnedKvs(read.Response!))
            {
                foreach (long revision in (long[])[kv.CreateRevision, kv.ModRevision])
                {
                    if (owner.TryGetValue(revision, out HistoryOperation? write) && !KeysPut(write).Contains(kv.Key))
                    {
                        return new RevisionViolation(
                            $"operation {read.Index} returned key {kv.Key} written at revision {revision}, but revision {revision} belongs to operation {write.Index}, which did not write {kv.Key}",
                            write, read);
                    }
                }
            }
        }

        return null;
    }

    private static IEnumerable<KeyValue> ReturnedKvs(KvResponse response) => response switch
    {
        RangeResponse r => r.Kvs,
        TxnResponse t => t.Responses.SelectMany(ReturnedKvs),
        _ => [],
    };

    private static IEnumerable<string> KeysPut(HistoryOperation write) => (write.Request, write.Response) switch
    {
        (PutRequest p, _) => [p.Key],
        (TxnRequest t, TxnResponse r) => TakenPuts(t, r),
        _ => [],
    };

    private static bool Contradicts(HistoryOperation earlier, HistoryOperation later)
    {
        long before = earlier.Response!.Revision;
        long after = later.Response!.Revision;
        return Wrote(later) ? after <= before : after < before;
    }

    private static string Explain(HistoryOperation earlier, HistoryOperation later) =>
        $"operation {later.Index} ({(Wrote(later) ? "write" : "read")} at revision {later.Response!.Revision}) began after " +
        $"operation {earlier.Index} returned revision {earlier.Response!.Revision}, so its revision must be " +
        (Wrote(later) ? "greater" : "at least as large");
}
