using Cairn.Core.Kv;
using Cairn.Core.Kv.Wire;
using Google.Protobuf;

namespace Cairn.Simulation.Checking.Watch;

/// <summary>
/// The expected watch history, built independently of the node code: it keeps its own map of live keys
/// and turns each committed KV command into etcd events (put with version, create revision and lease;
/// delete tombstones; range deletes and lease revokes in key order; txn branches in op order, nested
/// txns recursively), sharing nothing with <c>WatchHub</c>, <c>WriteTxn</c> or the MVCC backend. From the
/// apply reply of the first replica to apply each entry it takes only two facts it cannot know alone:
/// the revision the command created (a cached duplicate, a refusal or a read-only txn creates none) and
/// which branch each txn took.
/// </summary>
public sealed class ReferenceHistory
{
    /// <summary>Most events kept; beyond it the reference stops growing and says so (bounded memory).</summary>
    public const int EventsMax = 4_000_000;

    private readonly SortedDictionary<ByteString, KeyValue> _live = new(KeyOrder.Instance);
    private readonly List<(long Revision, Event Event)> _events = new();
    private ulong _lastIndex;

    /// <summary>The revision of the last command that created one (1 for an empty store, as in etcd).</summary>
    public long Revision { get; private set; } = 1;

    /// <summary>Every committed event with its revision, in commit order.</summary>
    public IReadOnlyList<(long Revision, Event Event)> Events => _events;

    /// <summary>True when <see cref="EventsMax"/> was reached and later events were not recorded.</summary>
    public bool Truncated { get; private set; }

    /// <summary>Feeds the entry at <paramref name="index"/> with its apply reply; entries already seen
    /// (applied again by another replica) are ignored.</summary>
    public void OnApplied(ulong index, ReadOnlySpan<byte> command, byte[] reply)
    {
        if (index <= _lastIndex) return;
        _lastIndex = index;
        KvCommand parsed;
        KvResult result;
        try
        {
            parsed = KvCommand.Parser.ParseFrom(command);
            result = KvResult.Parser.ParseFrom(reply);
        }
        catch (InvalidProtocolBufferException)
        {
            return; // a malformed command changes nothing
        }
        long revision = CreatedRevision(result);
        if (revision <= Revision) return;
        Revision = revision;
        switch (parsed.RequestCase)
        {
            case KvCommand.RequestOneofCase.Put: Put(parsed.Put, revision); break;
            case KvCommand.RequestOneofCase.DeleteRange: Delete(parsed.DeleteRange, revision); break;
            case KvCommand.RequestOneofCase.Txn: Txn(parsed.Txn, result.Txn, revision); break;
            case KvCommand.RequestOneofCase.LeaseRevoke: Revoke(parsed.LeaseRevoke.ID, revision); break;
            case KvCommand.RequestOneofCase.LeaseExpire: Revoke(parsed.LeaseExpire.ID, revision); break;
        }
    }

    private static long CreatedRevision(KvResult result) => result.ResultCase switch
    {
        KvResult.ResultOneofCase.Put => result.Put.Header?.Revision ?? 0,
        KvResult.ResultOneofCase.DeleteRange => result.DeleteRange.Header?.Revision ?? 0,
        KvResult.ResultOneofCase.Txn => result.Txn.Header?.Revision ?? 0,
        KvResult.ResultOneofCase.LeaseRevoke => result.LeaseRevoke.Header?.Revision ?? 0,
        KvResult.ResultOneofCase.LeaseExpire => result.LeaseExpire.Header?.Revision ?? 0,
        _ => 0,
    };

    private void Put(PutRequest put, long revision)
    {
        _live.TryGetValue(put.Key, out KeyValue? previous);
        var kv = new KeyValue
        {
            Key = put.Key,
            CreateRevision = previous?.CreateRevision ?? revision,
            ModRevision = revision,
            Version = (previous?.Version ?? 0) + 1,
            Value = put.IgnoreValue ? previous?.Value ?? ByteString.Empty : put.Value,
            Lease = put.IgnoreLease ? previous?.Lease ?? 0 : put.Lease,
        };
        _live[put.Key] = kv;
        var e = new Event { Type = Event.Types.EventType.Put, Kv = kv };
        if (previous is not null) e.PrevKv = previous;
        Record(revision, e);
    }

    private void Delete(DeleteRangeRequest delete, long revision)
    {
        List<ByteString> keys = delete.RangeEnd.IsEmpty
            ? (_live.ContainsKey(delete.Key) ? [delete.Key] : [])
            : [.. _live.Keys.Where(k => InRange(k, delete.Key, delete.RangeEnd))];
        foreach (ByteString key in keys) Tombstone(key, revision);
    }

    private void Revoke(long lease, long revision)
    {
        foreach (ByteString key in _live.Where(p => p.Value.Lease == lease).Select(p => p.Key).ToList()) Tombstone(key, revision);
    }

    private void Txn(TxnRequest txn, TxnResponse? response, long revision)
    {
        if (response is null) return;
        var branch = response.Succeeded ? txn.Success : txn.Failure;
        for (int i = 0; i < branch.Count; i++)
        {
            RequestOp op = branch[i];
            switch (op.RequestCase)
            {
                case RequestOp.RequestOneofCase.RequestPut: Put(op.RequestPut, revision); break;
                case RequestOp.RequestOneofCase.RequestDeleteRange: Delete(op.RequestDeleteRange, revision); break;
                case RequestOp.RequestOneofCase.RequestTxn:
                    Txn(op.RequestTxn, i < response.Responses.Count ? response.Responses[i].ResponseTxn : null, revision);
                    break;
            }
        }
    }

    private void Tombstone(ByteString key, long revision)
    {
        KeyValue previous = _live[key];
        _live.Remove(key);
        Record(revision, new Event { Type = Event.Types.EventType.Delete, Kv = new KeyValue { Key = key, ModRevision = revision }, PrevKv = previous });
    }

    private void Record(long revision, Event e)
    {
        if (_events.Count >= EventsMax)
        {
            Truncated = true;
            return;
        }
        _events.Add((revision, e));
    }

    private static bool InRange(ByteString key, ByteString start, ByteString end)
    {
        bool unbounded = end.Length == 1 && end[0] == 0;
        return KeyOrder.Instance.Compare(key, start) >= 0 && (unbounded || KeyOrder.Instance.Compare(key, end) < 0);
    }
}
