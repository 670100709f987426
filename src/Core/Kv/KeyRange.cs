using Google.Protobuf;

namespace Cairn.Core.Kv;

/// <summary>
/// The key set named by an etcd (key, range_end) pair: a single key when range_end is empty,
/// every key &gt;= key when range_end is "\0", otherwise the half-open interval [key, range_end).
/// </summary>
public readonly record struct KeyRange
{
    private KeyRange(ByteString start, ByteString? end, bool single)
    {
        Start = start;
        End = end;
        IsSingleKey = single;
    }

    /// <summary>The first key of the range (inclusive).</summary>
    public ByteString Start { get; }

    /// <summary>The exclusive upper bound; null means unbounded. Unused for a single key.</summary>
    public ByteString? End { get; }

    /// <summary>True when the range names exactly <see cref="Start"/>.</summary>
    public bool IsSingleKey { get; }

    /// <summary>Interprets an etcd (key, range_end) pair.</summary>
    public static KeyRange From(ByteString key, ByteString rangeEnd)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(rangeEnd);
        if (rangeEnd.Length == 0)
        {
            return new KeyRange(key, null, single: true);
        }
        bool unbounded = rangeEnd.Length == 1 && rangeEnd[0] == 0;
        return new KeyRange(key, unbounded ? null : rangeEnd, single: false);
    }

    /// <summary>The range of all keys starting with <paramref name="prefix"/> (etcd's prefix end).</summary>
    public static KeyRange Prefix(ByteString prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        byte[] end = prefix.ToByteArray();
        for (int i = end.Length - 1; i >= 0; i--)
        {
            if (end[i] < 0xff)
            {
                end[i]++;
                return From(prefix, ByteString.CopyFrom(end, 0, i + 1));
            }
        }
        return From(prefix, ByteString.CopyFrom(0));
    }

    /// <summary>True when the range can contain no key at all (range_end &lt;= key).</summary>
    public bool IsEmpty => !IsSingleKey && End is not null && KeyOrder.Instance.Compare(End, Start) <= 0;

    /// <summary>True when <paramref name="key"/> lies in the range.</summary>
    public bool Contains(ByteString key)
    {
        if (IsSingleKey)
        {
            return Start.Span.SequenceEqual(key.Span);
        }
        return KeyOrder.Instance.Compare(key, Start) >= 0
            && (End is null || KeyOrder.Instance.Compare(key, End) < 0);
    }
}
