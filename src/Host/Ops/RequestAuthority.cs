namespace Cairn.Host.Ops;

/// <summary>
/// The request authority as a host. etcd's Go client sends the endpoint URL as HTTP/2's
/// <c>:authority</c> (<c>http://127.0.0.1:2379</c>) when given <c>--endpoints=http://...</c>; Go's
/// server takes it, Kestrel refuses it. This reduces such a value to its host and port.
/// </summary>
internal static class RequestAuthority
{
    private static ReadOnlySpan<byte> SchemeSeparator => "://"u8;

    /// <summary>True for the fields that carry the authority: <c>:authority</c> and <c>host</c>.</summary>
    public static bool Carries(ReadOnlySpan<byte> name) => name.SequenceEqual(":authority"u8) || name.SequenceEqual("host"u8);

    /// <summary>
    /// <c>scheme://host:port/anything</c> becomes <c>host:port</c>; a value without a leading scheme
    /// (<c>host:port</c>) is returned unchanged, the same array.
    /// </summary>
    public static byte[] Normalise(byte[] value)
    {
        int separator = value.AsSpan().IndexOf(SchemeSeparator);
        if (separator <= 0 || !IsScheme(value.AsSpan(0, separator)))
        {
            return value;
        }
        ReadOnlySpan<byte> rest = value.AsSpan(separator + SchemeSeparator.Length);
        int slash = rest.IndexOf((byte)'/');
        return (slash < 0 ? rest : rest[..slash]).ToArray();
    }

    /// <summary>RFC 3986 §3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).</summary>
    private static bool IsScheme(ReadOnlySpan<byte> candidate)
    {
        if (!char.IsAsciiLetter((char)candidate[0]))
        {
            return false;
        }
        foreach (byte b in candidate)
        {
            if (!char.IsAsciiLetterOrDigit((char)b) && b != '+' && b != '-' && b != '.')
            {
                return false;
            }
        }
        return true;
    }
}
