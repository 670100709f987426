using Cairn.Core.Kv.Wire;

namespace Cairn.Core.Kv;

/// <summary>
/// A request the KV state machine refuses, with its etcd-style error code. Raised only before a
/// request writes anything, so refusing never leaves a half-applied change.
/// </summary>
public sealed class KvRequestException : Exception
{
    /// <summary>Creates the error.</summary>
    public KvRequestException(KvErrorCode code, string message)
        : base(message)
    {
        Code = code;
    }

    /// <summary>The error code returned to the client.</summary>
    public KvErrorCode Code { get; }

    /// <summary>The error as a wire result.</summary>
    public KvResult ToResult() => new() { Error = new KvError { Code = Code, Message = Message } };
}
