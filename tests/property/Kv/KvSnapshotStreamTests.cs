using Cairn.Core.Kv;
using Cairn.Core.Kv.Wire;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using Xunit;
using static Cairn.Property.Tests.Kv.Kv;

namespace Cairn.Property.Tests.Kv;

/// <summary>Issue 8: the KV snapshot streams. Written piece by piece, it still parses as one <see cref="KvSnapshot"/>;
/// restored from a stream (in the new field order or the old <c>ToByteArray</c> one) it rebuilds the same state;
/// a stream that ends inside a field is refused.</summary>
public sealed class KvSnapshotStreamTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(150);

    private static Arbitrary<(KvStep[] Before, KvStep[] Other)> TwoWorkloads =>
        KvStepGen.Workload.Generator.SelectMany(a => KvStepGen.Workload.Generator.Select(b => (a, b))).ToArbitrary();

    [Fact]
    public void Streamed_snapshot_restores_an_identical_state_over_a_machine_with_other_state()
    {
        Prop.ForAll(TwoWorkloads, run =>
        {
            KvReplica original = Replay(run.Before);
            KvReplica restored = Replay(run.Other);
            restored.Machine.RestoreSnapshot(new TrickleStream(Written(original.Machine)));
            AssertSameState(original.Machine, restored.Machine);
        }).Check(Runs);
    }

    [Fact]
    public void Streamed_bytes_parse_as_the_snapshot_the_state_describes()
    {
        Prop.ForAll(KvStepGen.Workload, steps =>
        {
            var backend = new InMemoryMvccBackend();
            KvReplica replica = Replay(steps, new KvStateMachine(null, backend));
            KvStateMachine machine = replica.Machine;
            KvSnapshot parsed = KvSnapshot.Parser.ParseFrom(Written(machine));
            Assert.Equal(machine.AppliedIndex, parsed.AppliedIndex);
            Assert.Equal(machine.Revision, parsed.CurrentRevision);
            Assert.Equal(machine.CompactRevision, parsed.CompactRevision);
            Assert.Equal(backend.Export(), parsed.Keys);
            Assert.Equal(machine.Leases.All.Select(l => (l.Id, l.TtlSeconds)), parsed.Leases.Select(l => (l.ID, l.TTL)));
            Assert.Equal(machine.Leases.LastPickedId, parsed.LastLeaseId);
            Assert.Equal(machine.SessionCount, parsed.Sessions.Count);
            Assert.Equal(machine.Alarms(), parsed.Alarms);
            Assert.Equal(machine.TakeSnapshot(), Written(machine));
        }).Check(Runs);
    }

    [Fact]
    public void Snapshot_in_the_old_field_order_restores_identically()
    {
        Prop.ForAll(KvStepGen.Workload, steps =>
        {
            KvReplica original = Replay(steps);
            // ToByteArray writes the fields in number order: the keys (4) before the leases, sessions and alarms.
            byte[] oldOrder = KvSnapshot.Parser.ParseFrom(original.Machine.TakeSnapshot()).ToByteArray();
            var restored = new KvStateMachine();
            restored.RestoreSnapshot(new TrickleStream(oldOrder));
            AssertSameState(original.Machine, restored);
            var fromArray = new KvStateMachine();
            fromArray.RestoreSnapshot(oldOrder);
            AssertSameState(original.Machine, fromArray);
        }).Check(Runs);
    }

    [Fact]
    public void Old_field_order_puts_leases_and_sessions_after_the_keys()
    {
        KvReplica original = Replay([]);
        KvSnapshot snapshot = KvSnapshot.Parser.ParseFrom(original.Machine.TakeSnapshot());
        Assert.NotEmpty(snapshot.Keys);
        Assert.NotEmpty(snapshot.Leases);
        Assert.NotEmpty(snapshot.Sessions);
        Assert.NotEmpty(snapshot.Alarms);
        Assert.NotEqual(snapshot.ToByteArray(), original.Machine.TakeSnapshot());
    }

    [Fact]
    public void Stream_ending_inside_a_field_throws_invalid_data()
    {
        Prop.ForAll(KvStepGen.Workload, steps =>
        {
            var backend = new InMemoryMvccBackend();
            KvReplica replica = Replay(steps, new KvStateMachine(null, backend));
            byte[] bytes = Written(replica.Machine);
            // The streamed snapshot ends with the last key record; every cut inside it leaves a partial field.
            int lastField = CodedOutputStream.ComputeTagSize(4) + CodedOutputStream.ComputeMessageSize(backend.Export().Last());
            for (int cut = bytes.Length - lastField + 1; cut < bytes.Length; cut++)
            {
                var target = new KvStateMachine();
                Assert.Throws<InvalidDataException>(() => target.RestoreSnapshot(new TrickleStream(bytes[..cut])));
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }

    [Fact]
    public void Malformed_streams_throw_invalid_data()
    {
        byte[] snapshot = Replay([]).Machine.TakeSnapshot();
        byte[][] malformed =
        [
            [0x22, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], // a key record claiming 4 GiB
            [0x22, 0x02, 0x0A, 0x05], // a key record whose key claims more bytes than the record holds
            [0x08, 0x80], // a varint cut short
            [0x0B, 0x00], // a group (wire type 3)
            [.. snapshot, 0x10, 0x05], // a current revision after the key records
        ];
        foreach (byte[] bytes in malformed)
        {
            Assert.Throws<InvalidDataException>(() => new KvStateMachine().RestoreSnapshot(new MemoryStream(bytes)));
        }
    }

    [Fact]
    public void Unknown_fields_are_skipped()
    {
        KvReplica original = Replay([]);
        byte[] unknown = [0x78, 0x2A, 0x82, 0x01, 0x02, 0x01, 0x02, 0x8D, 0x01, 1, 2, 3, 4, 0x89, 0x01, 1, 2, 3, 4, 5, 6, 7, 8];
        var restored = new KvStateMachine();
        restored.RestoreSnapshot(new TrickleStream([.. unknown, .. original.Machine.TakeSnapshot(), .. unknown]));
        AssertSameState(original.Machine, restored);
    }

    [Fact]
    public void Large_store_passes_through_the_stream_in_pieces()
    {
        var replica = new KvReplica();
        string value = new('v', 200);
        for (int i = 0; i < 5_000; i++) replica.Apply(Put($"key/{i:D5}", value));
        var written = new CountingStream();
        replica.Machine.WriteSnapshot(written);
        Assert.True(written.Total > 1_000_000, $"{written.Total} bytes written");
        Assert.True(written.LargestWrite <= 64 * 1024, $"largest write {written.LargestWrite} of {written.Total}");
        Assert.True(written.Writes >= 16, $"{written.Writes} writes");

        var read = new CountingStream(written.ToArray());
        var restored = new KvStateMachine();
        restored.RestoreSnapshot(read);
        Assert.True(read.LargestRead <= 64 * 1024, $"largest read {read.LargestRead} of {read.Total}");
        AssertSameState(replica.Machine, restored);
    }

    /// <summary>Applies <paramref name="steps"/>, then opens a session, writes in it and raises an alarm, so the
    /// snapshot holds every kind of field.</summary>
    private static KvReplica Replay(KvStep[] steps, KvStateMachine? machine = null)
    {
        var replica = new KvReplica(machine);
        foreach (KvStep step in steps)
        {
            if (step.Command is not null) replica.Apply(step.Command);
            else replica.Read(step.Read!);
        }
        long lease = replica.Apply(Grant(30)).LeaseGrant.ID;
        ulong client = replica.Apply(new KvCommand { RegisterSession = new RegisterSessionRequest() }).RegisterSession.ClientId;
        KvCommand put = Put("z", "leased", lease);
        put.ClientId = client;
        put.Sequence = 1;
        replica.Apply(put);
        replica.Apply(new KvCommand { Alarm = new AlarmRequest { Action = AlarmRequest.Types.AlarmAction.Activate, MemberID = 7, Alarm = AlarmType.Corrupt } });
        return replica;
    }

    private static byte[] Written(KvStateMachine machine)
    {
        using var destination = new MemoryStream();
        machine.WriteSnapshot(destination);
        return destination.ToArray();
    }

    private static void AssertSameState(KvStateMachine expected, KvStateMachine actual)
    {
        Assert.Equal(expected.AppliedIndex, actual.AppliedIndex);
        Assert.Equal(expected.StateDigest(), actual.StateDigest());
        Assert.Equal(expected.TakeSnapshot(), actual.TakeSnapshot());
    }

    /// <summary>A read-only, unseekable stream over <paramref name="bytes"/> that hands out at most 7 bytes a read.</summary>
    private sealed class TrickleStream(byte[] bytes) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, 7), bytes.Length - _position);
            Array.Copy(bytes, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>An unseekable stream that keeps what is written to it and counts the sizes of the writes and reads.</summary>
    private sealed class CountingStream(byte[]? content = null) : Stream
    {
        private readonly MemoryStream _bytes = content is null ? new MemoryStream() : new MemoryStream(content);

        public long Total { get; private set; }
        public int Writes { get; private set; }
        public int LargestWrite { get; private set; }
        public int LargestRead { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public byte[] ToArray() => _bytes.ToArray();

        public override int Read(byte[] buffer, int offset, int count)
        {
            LargestRead = Math.Max(LargestRead, count);
            int n = _bytes.Read(buffer, offset, count);
            Total += n;
            return n;
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Writes++;
            LargestWrite = Math.Max(LargestWrite, count);
            Total += count;
            _bytes.Write(buffer, offset, count);
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
