namespace Cairn.Host.Snapshot;

/// <summary>bbolt's key order: unsigned bytes, a prefix first.</summary>
internal sealed class ByteOrder : IComparer<byte[]>
{
    public static readonly ByteOrder Instance = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}
