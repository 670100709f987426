using Cairn.Core.Raft.Wire;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;

namespace Cairn.Property.Tests.Wire;

/// <summary>Generators for Raft wire messages: every message type, wide-ranging numbers, entries with random data.</summary>
internal static class WireGen
{
    /// <summary>Small values are the common case on the wire; large ones exercise every varint width.</summary>
    private static Gen<ulong> Number =>
        Gen.Frequency(
            (4, Gen.Choose(0, 300).Select(i => (ulong)i)),
            (1, ArbMap.Default.GeneratorFor<ulong>()),
            (1, Gen.Constant(ulong.MaxValue)));

    private static Gen<byte[]> Bytes(int lengthMax) =>
        Gen.Choose(0, lengthMax).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n));

    internal static Gen<Entry> EntryGen =>
        from term in Number
        from index in Number
        from type in Gen.Elements(Enum.GetValues<EntryType>())
        from data in Bytes(64)
        select new Entry { Term = term, Index = index, Type = type, Data = ByteString.CopyFrom(data) };

    internal static Gen<Message> MessageGen =>
        from type in Gen.Elements(Enum.GetValues<MessageType>())
        from header in Gen.ArrayOf(Number, 8)
        from reject in ArbMap.Default.GeneratorFor<bool>()
        from entries in Gen.Choose(0, 6).SelectMany(n => Gen.ListOf(EntryGen, n))
        select Build(type, header, reject, entries);

    private static Message Build(MessageType type, ulong[] h, bool reject, IEnumerable<Entry> entries)
    {
        var m = new Message
        {
            Type = type, From = h[0], To = h[1], Term = h[2], LogTerm = h[3], Index = h[4],
            Commit = h[5], Reject = reject, RejectHint = h[6], Context = h[7],
        };
        m.Entries.AddRange(entries);
        return m;
    }

    internal static Arbitrary<Message> Messages => MessageGen.ToArbitrary();

    internal static Arbitrary<byte[]> Garbage => Bytes(96).ToArbitrary();
}
