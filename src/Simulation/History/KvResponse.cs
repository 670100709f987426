namespace Cairn.Simulation.History;

/// <summary>A successful reply to a <see cref="KvRequest"/>; every reply carries the header revision.</summary>
public abstract record KvResponse
{
    private protected KvResponse(long revision) => Revision = revision;

    /// <summary>The store revision in the reply header: the new revision after a write, the current one after a read.</summary>
    public long Revision { get; }
}

/// <summary>One key as a read returns it (etcd's mvccpb.KeyValue).</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value.</param>
/// <param name="CreateRevision">The revision that created the key.</param>
/// <param name="ModRevision">The revision of the last write to the key.</param>
/// <param name="Version">The number of puts since the key was created.</param>
public sealed record KeyValue(string Key, string Value, long CreateRevision, long ModRevision, long Version);

/// <summary>The reply to a get or range: the keys found, sorted by key.</summary>
/// <param name="Revision">The header revision.</param>
/// <param name="Kvs">The keys found, in ascending ordinal key order.</param>
public sealed record RangeResponse(long Revision, IReadOnlyList<KeyValue> Kvs) : KvResponse(Revision);

/// <summary>The reply to a put: the header carries the new revision.</summary>
/// <param name="Revision">The revision the put created.</param>
public sealed record PutResponse(long Revision) : KvResponse(Revision);

/// <summary>The reply to a delete.</summary>
/// <param name="Revision">The new revision if anything was deleted, else the current one.</param>
/// <param name="Deleted">The number of keys deleted.</param>
public sealed record DeleteResponse(long Revision, long Deleted) : KvResponse(Revision);

/// <summary>The reply to a transaction.</summary>
/// <param name="Revision">The new revision if the branch taken wrote, else the current one.</param>
/// <param name="Succeeded">True when every guard held and the success branch ran.</param>
/// <param name="Responses">One reply per operation of the branch taken, in order.</param>
public sealed record TxnResponse(long Revision, bool Succeeded, IReadOnlyList<KvResponse> Responses) : KvResponse(Revision);

/// <summary>The reply to a compaction: the header carries the store revision when it was applied.</summary>
/// <param name="Revision">The header revision.</param>
public sealed record CompactResponse(long Revision) : KvResponse(Revision);

/// <summary>
/// A definite error reply that the checker must explain (it carries no header revision): a read
/// at, or a compaction to, a revision that has been compacted or is in the future. Other errors
/// mean the request did nothing and are recorded as <c>fail</c>.
/// </summary>
/// <param name="Error">The error: <see cref="Compacted"/> or <see cref="FutureRevision"/>.</param>
public sealed record KvErrorResponse(string Error) : KvResponse(0)
{
    /// <summary>etcd's ErrCompacted: "mvcc: required revision has been compacted".</summary>
    public const string Compacted = "compacted";

    /// <summary>etcd's ErrFutureRev: "mvcc: required revision is a future revision".</summary>
    public const string FutureRevision = "future_revision";
}
