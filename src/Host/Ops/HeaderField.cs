using System.Text;

namespace Cairn.Host.Ops;

/// <summary>One HPACK header field: name and value as the octets on the wire.</summary>
internal readonly record struct HeaderField(byte[] Name, byte[] Value)
{
    /// <summary>Per-entry overhead counted by the dynamic table (RFC 7541 §4.1).</summary>
    public const int EntryOverhead = 32;

    /// <summary>The field's size as the dynamic table counts it: name + value + 32.</summary>
    public int Size => Name.Length + Value.Length + EntryOverhead;

    /// <summary>A field from ASCII text (the static table, tests).</summary>
    public static HeaderField Of(string name, string value) => new(Encoding.ASCII.GetBytes(name), Encoding.ASCII.GetBytes(value));

    /// <summary>"name: value", Latin-1, for logs and tests.</summary>
    public override string ToString() => Encoding.Latin1.GetString(Name) + ": " + Encoding.Latin1.GetString(Value);
}
