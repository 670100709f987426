using Google.Protobuf;

namespace Cairn.Core.Kv;

/// <summary>
/// Orders keys as etcd does: lexicographically as unsigned bytes. Never culture or hash dependent.
/// </summary>
internal sealed class KeyOrder : IComparer<ByteString>
{
    /// <summary>The single shared instance.</summary>
    public static readonly KeyOrder Instance = new();

    private KeyOrder()
    {
    }

    /// <inheritdoc />
    public int Compare(ByteString? x, ByteString? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }
        if (x is null)
        {
            return -1;
        }
        if (y is null)
        {
            return 1;
        }
        return x.Span.SequenceCompareTo(y.Span);
    }
}
