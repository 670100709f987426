using Cairn.Core.Kv.Wire;
using Google.Protobuf;

namespace Cairn.Property.Tests.Kv;

/// <summary>Terse builders for KV wire requests used by the KV tests.</summary>
internal static class Kv
{
    internal static ByteString B(string s) => ByteString.CopyFromUtf8(s);

    internal static KvCommand Put(string key, string value, long lease = 0, bool prevKv = false) =>
        new() { Put = new PutRequest { Key = B(key), Value = B(value), Lease = lease, PrevKv = prevKv } };

    internal static KvCommand Delete(string key, string rangeEnd = "", bool prevKv = false) =>
        new() { DeleteRange = new DeleteRangeRequest { Key = B(key), RangeEnd = B(rangeEnd), PrevKv = prevKv } };

    internal static KvCommand Compact(long revision) => new() { Compaction = new CompactionRequest { Revision = revision } };

    internal static KvCommand Grant(long ttl, long id = 0) => new() { LeaseGrant = new LeaseGrantRequest { TTL = ttl, ID = id } };

    internal static KvCommand Revoke(long id) => new() { LeaseRevoke = new LeaseRevokeRequest { ID = id } };

    internal static KvCommand Txn(TxnRequest txn) => new() { Txn = txn };

    internal static RangeRequest Get(string key, string rangeEnd = "", long revision = 0) =>
        new() { Key = B(key), RangeEnd = B(rangeEnd), Revision = revision };

    internal static RequestOp PutOp(string key, string value) => new() { RequestPut = new PutRequest { Key = B(key), Value = B(value) } };

    internal static RequestOp DeleteOp(string key, string rangeEnd = "") =>
        new() { RequestDeleteRange = new DeleteRangeRequest { Key = B(key), RangeEnd = B(rangeEnd) } };

    internal static RequestOp RangeOp(string key, string rangeEnd = "") => new() { RequestRange = Get(key, rangeEnd) };

    internal static RequestOp TxnOp(TxnRequest txn) => new() { RequestTxn = txn };

    internal static Compare VersionIs(string key, long version) =>
        new() { Key = B(key), Target = Compare.Types.CompareTarget.Version, Result = Compare.Types.CompareResult.Equal, Version = version };
}
