using Cairn.Core.Kv;
using Cairn.Core.Kv.Wire;
using Google.Protobuf;
using Xunit;
using static Cairn.Property.Tests.Kv.Kv;

namespace Cairn.Property.Tests.Kv;

/// <summary>Exactly-once sessions (Raft dissertation §6.3).</summary>
public sealed class SessionTests
{
    private static KvCommand InSession(KvCommand command, ulong client, ulong sequence)
    {
        command.ClientId = client;
        command.Sequence = sequence;
        return command;
    }

    private static ulong Register(KvReplica kv) =>
        kv.Apply(new KvCommand { RegisterSession = new RegisterSessionRequest() }).RegisterSession.ClientId;

    [Fact]
    public void Duplicate_sequence_returns_the_cached_reply_without_reapplying()
    {
        var kv = new KvReplica();
        ulong client = Register(kv);
        byte[] put = InSession(Put("a", "1"), client, 1).ToByteArray();
        KvResult first = kv.Apply(put);
        KvResult retry = kv.Apply(put);
        Assert.Equal(first, retry);
        Assert.Equal(2, kv.Machine.Revision);
        Assert.Equal(1, kv.Read(Get("a")).Range.Kvs.Single().Version);
    }

    [Fact]
    public void Skip_deduplication_canary_applies_the_duplicate_twice()
    {
        var kv = new KvReplica(new KvStateMachine(null, null, null, null, new KvBugs { SkipDeduplication = true }));
        ulong client = Register(kv);
        byte[] put = InSession(Put("a", "1"), client, 1).ToByteArray();
        kv.Apply(put);
        kv.Apply(put);
        Assert.Equal(2, kv.Read(Get("a")).Range.Kvs.Single().Version);
    }

    [Fact]
    public void Older_sequence_is_refused_as_stale()
    {
        var kv = new KvReplica();
        ulong client = Register(kv);
        kv.Apply(InSession(Put("a", "1"), client, 1));
        kv.Apply(InSession(Put("a", "2"), client, 2));
        Assert.Equal(KvErrorCode.StaleSequence, kv.Apply(InSession(Put("a", "1"), client, 1)).Error.Code);
    }

    [Fact]
    public void Unknown_or_evicted_client_gets_session_expired_never_a_double_apply()
    {
        var kv = new KvReplica(new KvStateMachine(KvOptions.Default with { SessionsMax = 2 }));
        ulong oldest = Register(kv);
        kv.Apply(InSession(Put("a", "1"), oldest, 1));
        Register(kv);
        Register(kv); // evicts the least recently used: oldest
        Assert.Equal(KvErrorCode.SessionExpired, kv.Apply(InSession(Put("a", "1"), oldest, 1)).Error.Code);
        Assert.Equal(KvErrorCode.SessionExpired, kv.Apply(InSession(Put("a", "1"), 12345, 1)).Error.Code);
        Assert.Equal(2, kv.Machine.SessionCount);
    }

    [Fact]
    public void Idle_session_expires_after_the_entry_limit()
    {
        var kv = new KvReplica(new KvStateMachine(KvOptions.Default with { SessionIdleEntriesMax = 3 }));
        ulong client = Register(kv);
        for (int i = 0; i < 4; i++)
        {
            kv.Apply(Put("x", "y"));
        }
        Assert.Equal(KvErrorCode.SessionExpired, kv.Apply(InSession(Put("a", "1"), client, 1)).Error.Code);
    }

    [Fact]
    public void Sessions_survive_snapshot_restore()
    {
        var kv = new KvReplica();
        ulong client = Register(kv);
        byte[] put = InSession(Put("a", "1"), client, 1).ToByteArray();
        KvResult first = kv.Apply(put);
        var restored = new KvReplica { Index = kv.Index };
        restored.Machine.RestoreSnapshot(kv.Machine.TakeSnapshot());
        Assert.Equal(first, restored.Apply(put));
        Assert.Equal(2, restored.Machine.Revision);
    }
}
