using Cairn.Core.Kv;
using Cairn.Core.Kv.Wire;
using Google.Protobuf;
using Xunit;
using static Cairn.Property.Tests.Kv.Kv;

namespace Cairn.Property.Tests.Kv;

/// <summary>Hand-written checks of etcd behaviours that random workloads reach rarely.</summary>
public sealed class EtcdBehaviourTests
{
    private readonly KvReplica _kv = new();

    [Fact]
    public void Empty_store_is_at_revision_1_and_the_first_put_creates_revision_2()
    {
        Assert.Equal(1, _kv.Read(Get("a")).Range.Header.Revision);
        KvResult put = _kv.Apply(Put("a", "1"));
        Assert.Equal(2, put.Put.Header.Revision);
        KeyValue kv = _kv.Read(Get("a")).Range.Kvs.Single();
        Assert.Equal((2L, 2L, 1L), (kv.CreateRevision, kv.ModRevision, kv.Version));
    }

    [Fact]
    public void Version_resets_after_delete_and_create_revision_moves()
    {
        _kv.Apply(Put("a", "1"));
        _kv.Apply(Put("a", "2"));
        _kv.Apply(Delete("a"));
        _kv.Apply(Put("a", "3"));
        KeyValue kv = _kv.Read(Get("a")).Range.Kvs.Single();
        Assert.Equal((5L, 5L, 1L), (kv.CreateRevision, kv.ModRevision, kv.Version));
    }

    [Fact]
    public void Txn_putting_the_same_key_twice_is_rejected_with_duplicate_key()
    {
        var txn = new TxnRequest { Success = { PutOp("a", "1"), PutOp("a", "2") } };
        Assert.Equal(KvErrorCode.DuplicateKeyInTxn, _kv.Apply(Txn(txn)).Error.Code);
        Assert.Equal(1, _kv.Machine.Revision);
    }

    [Fact]
    public void Txn_put_inside_a_delete_range_or_a_nested_txn_put_is_a_duplicate_key()
    {
        var overlap = new TxnRequest { Success = { DeleteOp("a", "c"), PutOp("b", "1") } };
        var nested = new TxnRequest { Success = { PutOp("a", "1"), TxnOp(new TxnRequest { Failure = { PutOp("a", "2") } }) } };
        var nestedDelete = new TxnRequest { Success = { PutOp("b", "1"), TxnOp(new TxnRequest { Success = { DeleteOp("a", "\0") } }) } };
        foreach (TxnRequest txn in new[] { overlap, nested, nestedDelete })
        {
            Assert.Equal(KvErrorCode.DuplicateKeyInTxn, _kv.Apply(Txn(txn)).Error.Code);
        }
    }

    [Fact]
    public void Nested_then_and_else_branches_may_write_the_same_key()
    {
        var txn = new TxnRequest { Success = { TxnOp(new TxnRequest { Success = { PutOp("a", "1") }, Failure = { PutOp("a", "2") } }) } };
        KvResult result = _kv.Apply(Txn(txn));
        Assert.True(result.Txn.Succeeded);
        Assert.Equal("1", _kv.Read(Get("a")).Range.Kvs.Single().Value.ToStringUtf8());
    }

    [Fact]
    public void Txn_writes_share_one_revision_and_later_reads_see_earlier_writes()
    {
        var txn = new TxnRequest { Success = { PutOp("a", "1"), RangeOp("a"), PutOp("b", "2"), TxnOp(new TxnRequest { Success = { RangeOp("a", "z") } }) } };
        KvResult result = _kv.Apply(Txn(txn));
        Assert.Equal(2, result.Txn.Header.Revision);
        Assert.Equal("1", result.Txn.Responses[1].ResponseRange.Kvs.Single().Value.ToStringUtf8());
        Assert.Equal(2, result.Txn.Responses[3].ResponseTxn.Responses[0].ResponseRange.Count);
        Assert.All(_kv.Read(Get("a", "z")).Range.Kvs, kv => Assert.Equal(2, kv.ModRevision));
    }

    [Fact]
    public void Txn_with_more_ops_than_the_limit_is_rejected_with_too_many_ops()
    {
        var txn = new TxnRequest();
        for (int i = 0; i <= KvOptions.Default.TxnOpsMax; i++)
        {
            txn.Success.Add(PutOp("k" + i, "v"));
        }
        Assert.Equal(KvErrorCode.TooManyOps, _kv.Apply(Txn(txn)).Error.Code);
    }

    [Fact]
    public void Failed_put_inside_a_txn_leaves_no_partial_write()
    {
        var txn = new TxnRequest { Success = { PutOp("a", "1"), new RequestOp { RequestPut = new PutRequest { Key = B("b"), Lease = 99 } } } };
        Assert.Equal(KvErrorCode.LeaseNotFound, _kv.Apply(Txn(txn)).Error.Code);
        Assert.Equal(0, _kv.Read(Get("a")).Range.Count);
        Assert.Equal(1, _kv.Machine.Revision);
    }

    [Fact]
    public void Compare_on_a_missing_key_sees_zero_revisions_and_always_fails_on_value()
    {
        var versionZero = new TxnRequest { Compare = { VersionIs("nope", 0) } };
        var valueEmpty = new TxnRequest { Compare = { new Compare { Key = B("nope"), Target = Compare.Types.CompareTarget.Value, Value = ByteString.Empty } } };
        Assert.True(_kv.Apply(Txn(versionZero)).Txn.Succeeded);
        Assert.False(_kv.Apply(Txn(valueEmpty)).Txn.Succeeded);
    }

    [Fact]
    public void Reads_below_the_compact_revision_fail_compacted_and_at_it_succeed()
    {
        _kv.Apply(Put("a", "1"));
        _kv.Apply(Put("a", "2"));
        _kv.Apply(Put("a", "3"));
        Assert.Equal(4, _kv.Apply(Compact(3)).Compaction.Header.Revision);
        Assert.Equal(KvErrorCode.Compacted, _kv.Read(Get("a", revision: 2)).Error.Code);
        Assert.Equal("2", _kv.Read(Get("a", revision: 3)).Range.Kvs.Single().Value.ToStringUtf8());
        Assert.Equal(KvErrorCode.FutureRevision, _kv.Read(Get("a", revision: 5)).Error.Code);
    }

    [Fact]
    public void Compacting_twice_or_into_the_future_is_refused()
    {
        _kv.Apply(Put("a", "1"));
        Assert.Equal(KvErrorCode.FutureRevision, _kv.Apply(Compact(3)).Error.Code);
        _kv.Apply(Compact(2));
        Assert.Equal(KvErrorCode.Compacted, _kv.Apply(Compact(2)).Error.Code);
    }

    /// <summary>A tombstone at exactly the compact revision is kept (stricter than etcd, which drops it): a watch may
    /// start at the compact revision and must still see that delete. A later compaction drops the key entirely.</summary>
    [Fact]
    public void Compaction_drops_a_deleted_key_entirely_once_past_its_delete_and_its_slices_ran()
    {
        _kv.Apply(Put("a", "1"));
        _kv.Apply(Delete("a"));
        _kv.Apply(Compact(3));
        // The compaction command sets the compact revision; its slices (run between inputs) drop the revisions.
        Assert.Equal(3, _kv.Machine.CompactRevision);
        for (int slices = 0; slices < 100 && !_kv.Machine.CompactSlice(); slices++)
        {
        }
        Assert.Single(_kv.Machine.TakeSnapshotKeys()); // the delete at revision 3 is still in history
        _kv.Apply(Put("b", "2"));
        _kv.Apply(Compact(4));
        for (int slices = 0; slices < 100 && !_kv.Machine.CompactSlice(); slices++)
        {
        }
        Assert.DoesNotContain(_kv.Machine.TakeSnapshotKeys(), k => k.Key.ToStringUtf8() == "a");
    }

    [Fact]
    public void Put_with_ignore_value_on_a_missing_key_is_key_not_found()
    {
        var put = new KvCommand { Put = new PutRequest { Key = B("a"), IgnoreValue = true } };
        Assert.Equal(KvErrorCode.KeyNotFound, _kv.Apply(put).Error.Code);
        _kv.Apply(Put("a", "keep"));
        _kv.Apply(put);
        Assert.Equal("keep", _kv.Read(Get("a")).Range.Kvs.Single().Value.ToStringUtf8());
    }

    [Fact]
    public void Limit_reports_more_and_count_is_the_total_before_limit()
    {
        foreach (string k in new[] { "a", "b", "c" })
        {
            _kv.Apply(Put(k, k));
        }
        RangeResponse range = _kv.Read(new RangeRequest { Key = B("a"), RangeEnd = B("\0"), Limit = 2 }).Range;
        Assert.Equal((3L, true, 2), (range.Count, range.More, range.Kvs.Count));
    }

    [Fact]
    public void Oversized_command_is_rejected_with_request_too_large()
    {
        var kv = new KvReplica(new KvStateMachine(KvOptions.Default with { RequestBytesMax = 64 }));
        Assert.Equal(KvErrorCode.RequestTooLarge, kv.Apply(Put("a", new string('x', 100))).Error.Code);
    }

    [Fact]
    public void Garbage_command_bytes_are_rejected_deterministically()
    {
        KvResult a = _kv.Apply(new byte[] { 0xff, 0xff, 0xff });
        Assert.Equal(KvErrorCode.MalformedCommand, a.Error.Code);
    }

    /// <summary>HashKV is etcd 3.4's hashByRev: the expected values are etcd 3.4.23's own for this history (measured
    /// with <c>etcdctl endpoint hashkv</c> on a fresh etcd), before and after compaction, whatever the slices did.</summary>
    [Fact]
    public void HashKv_equals_etcd_3_4_23s_value_for_the_same_history()
    {
        Assert.Equal(1084519789u, Hash(0)); // CRC-32C of "key" alone
        _kv.Apply(Put("a", "1"));
        _kv.Apply(Put("b", "2"));
        _kv.Apply(Put("a", "3"));
        _kv.Apply(Delete("b"));
        _kv.Apply(Put("c", "4"));
        Assert.Equal((2750537463u, 1827592406u), (Hash(0), Hash(3)));
        _kv.Apply(Compact(4));
        Assert.Equal((2450235489u, 1468967122u), (Hash(0), Hash(5))); // 3.4 keeps b@3 out: b is deleted at the hash revision
        for (int slices = 0; slices < 100 && !_kv.Machine.CompactSlice(); slices++)
        {
        }
        Assert.Equal((2450235489u, 1468967122u), (Hash(0), Hash(5)));
        _kv.Apply(Put("b", "5"));
        _kv.Apply(Put("c", "6"));
        Assert.Equal((1328513150u, 834488253u), (Hash(0), Hash(7)));
        _kv.Apply(Compact(7));
        Assert.Equal(942706298u, Hash(0));
        _kv.Apply(Delete("a", "\0")); // etcdctl del "" --from-key: every key
        Assert.Equal(1119953892u, Hash(0));
        _kv.Apply(Compact(9));
        Assert.Equal(1084519789u, Hash(0));
        Assert.Equal(KvErrorCode.Compacted, _kv.Machine.HashKv(9).Error?.Code);
        Assert.Equal(KvErrorCode.FutureRevision, _kv.Machine.HashKv(10).Error?.Code);
    }

    private uint Hash(long revision)
    {
        KvHash hash = _kv.Machine.HashKv(revision);
        Assert.Null(hash.Error);
        return hash.Hash;
    }
}

internal static class SnapshotInspection
{
    internal static IReadOnlyList<KeyHistoryRecord> TakeSnapshotKeys(this KvStateMachine machine) =>
        KvSnapshot.Parser.ParseFrom(machine.TakeSnapshot()).Keys;
}
