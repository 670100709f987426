namespace Cairn.Simulation.History;

/// <summary>
/// A client request against the etcd-semantics key-value store, as recorded in a history.
/// Keys and values are compared ordinally. A <c>RangeEnd</c> of <see langword="null"/> names the
/// single key; <c>"\0"</c> means every key greater than or equal to the start key (etcd's rule).
/// </summary>
public abstract record KvRequest
{
    /// <summary>The range end that etcd reads as "no upper bound".</summary>
    public const string UnboundedRangeEnd = "\0";

    private protected KvRequest()
    {
    }

    /// <summary>The operation name written to the JSON-lines history ("get", "range", "put", "delete", "txn").</summary>
    public abstract string Op { get; }

    /// <summary>True when the request can change the store if applied.</summary>
    public abstract bool MayWrite { get; }
}

/// <summary>A read of one key (<see cref="RangeEnd"/> null) or of the keys in [Key, RangeEnd), at the current
/// revision or, when <see cref="Revision"/> is positive, at that historical revision (etcd's
/// <c>RangeRequest.revision</c>).</summary>
/// <param name="Key">The key, or the inclusive start of the range.</param>
/// <param name="RangeEnd">The exclusive end of the range; null for a single key; "\0" for unbounded.</param>
/// <param name="Revision">The revision to read at; 0 reads the current revision.</param>
public sealed record RangeRequest(string Key, string? RangeEnd = null, long Revision = 0) : KvRequest
{
    /// <inheritdoc />
    public override string Op => RangeEnd is null ? "get" : "range";

    /// <inheritdoc />
    public override bool MayWrite => false;
}

/// <summary>A write of <paramref name="Value"/> to <paramref name="Key"/>.</summary>
/// <param name="Key">The key written.</param>
/// <param name="Value">The value written.</param>
public sealed record PutRequest(string Key, string Value) : KvRequest
{
    /// <inheritdoc />
    public override string Op => "put";

    /// <inheritdoc />
    public override bool MayWrite => true;
}

/// <summary>A deletion of one key (<see cref="RangeEnd"/> null) or of the keys in [Key, RangeEnd).</summary>
/// <param name="Key">The key, or the inclusive start of the range.</param>
/// <param name="RangeEnd">The exclusive end of the range; null for a single key; "\0" for unbounded.</param>
public sealed record DeleteRequest(string Key, string? RangeEnd = null) : KvRequest
{
    /// <inheritdoc />
    public override string Op => "delete";

    /// <inheritdoc />
    public override bool MayWrite => true;
}

/// <summary>
/// An atomic transaction: when every compare holds, the success operations run, otherwise the
/// failure operations, in order, all at one revision. Nested operations are gets, ranges, puts or deletes.
/// </summary>
/// <param name="Compares">The guards, all of which must hold for the success branch.</param>
/// <param name="Success">The operations run when the guards hold.</param>
/// <param name="Failure">The operations run when a guard fails.</param>
public sealed record TxnRequest(
    IReadOnlyList<TxnCompare> Compares,
    IReadOnlyList<KvRequest> Success,
    IReadOnlyList<KvRequest> Failure) : KvRequest
{
    /// <inheritdoc />
    public override string Op => "txn";

    /// <inheritdoc />
    public override bool MayWrite => Success.Any(o => o.MayWrite) || Failure.Any(o => o.MayWrite);
}

/// <summary>A compaction of the key history below <paramref name="Revision"/> (etcd's <c>CompactionRequest</c>):
/// afterwards a read at a revision below it fails with <see cref="KvErrorResponse.Compacted"/>.</summary>
/// <param name="Revision">The compaction revision.</param>
public sealed record CompactRequest(long Revision) : KvRequest
{
    /// <inheritdoc />
    public override string Op => "compact";

    /// <inheritdoc />
    public override bool MayWrite => true;
}
