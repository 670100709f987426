namespace Cairn.Host.Ops;

/// <summary>
/// An HTTP/2 request header block that cannot be carried on: malformed HPACK (RFC 7541 calls it a
/// COMPRESSION_ERROR), malformed HEADERS/CONTINUATION framing, or a block above the size bounds.
/// The connection that sent it is closed.
/// </summary>
internal sealed class HeaderBlockRefusedException(string message) : Exception(message);
