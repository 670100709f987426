using Google.Protobuf;
using Wire = Cairn.Core.Kv.Wire;

namespace Cairn.Simulation.Workloads.Kv;

/// <summary>
/// The <c>kv-large</c> variant: every value written on the wire is its small history tag (<c>v1-42</c>)
/// followed by <see cref="Separator"/> and filler, <see cref="ValueBytesMin"/>–<see cref="ValueBytesMax"/>
/// bytes in all, so snapshots run to megabytes and a transfer spans hundreds of chunks. The filler is a
/// function of the tag (no random draw), and replies are mapped back to the tag, so the checked history
/// stays small and the plain <c>kv</c> workload is unchanged.
/// </summary>
internal static class LargeValues
{
    /// <summary>Smallest and largest value written, in bytes.</summary>
    public const int ValueBytesMin = 4 * 1024, ValueBytesMax = 64 * 1024;

    /// <summary>Separates the tag from the filler; no tag contains it.</summary>
    public const byte Separator = (byte)'#';

    /// <summary>The snapshot chunk size kv-large nodes use, so a megabyte snapshot needs hundreds of chunks.</summary>
    public const int SnapshotChunkBytes = 4 * 1024;

    /// <summary>The snapshot threshold range kv-large runs draw from: low, so the leader keeps compacting.</summary>
    public const int SnapshotThresholdMin = 150, SnapshotThresholdMax = 300;

    /// <summary>Pads every value <paramref name="request"/> writes (puts, and puts inside a txn's branches).</summary>
    public static void Pad(IMessage request)
    {
        switch (request)
        {
            case Wire.PutRequest p: p.Value = Padded(p.Value); break;
            case Wire.TxnRequest t:
                foreach (var op in t.Success.Concat(t.Failure))
                {
                    if (op.RequestPut is { } put) put.Value = Padded(put.Value);
                    if (op.RequestTxn is { } nested) Pad(nested);
                }
                break;
        }
    }

    /// <summary>The history tag of a wire value: the bytes before <see cref="Separator"/>, or all of them.</summary>
    public static string Tag(ByteString value)
    {
        var at = value.Span.IndexOf(Separator);
        return at < 0 ? value.ToStringUtf8() : System.Text.Encoding.UTF8.GetString(value.Span[..at]);
    }

    private static ByteString Padded(ByteString tag)
    {
        var hash = 2166136261u;
        foreach (var b in tag.Span) hash = (hash ^ b) * 16777619u; // FNV-1a: the size is a function of the tag
        var size = ValueBytesMin + (int)(hash % (uint)(ValueBytesMax - ValueBytesMin + 1));
        var bytes = new byte[Math.Max(size, tag.Length + 1)];
        tag.Span.CopyTo(bytes);
        bytes[tag.Length] = Separator;
        for (var i = tag.Length + 1; i < bytes.Length; i++) bytes[i] = (byte)('a' + (int)((hash >> (i % 24)) + (uint)i) % 26);
        return ByteString.CopyFrom(bytes);
    }
}
