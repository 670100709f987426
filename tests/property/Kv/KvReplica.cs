using Cairn.Core.Kv;
using Cairn.Core.Kv.Wire;
using Google.Protobuf;

namespace Cairn.Property.Tests.Kv;

/// <summary>A state machine plus a log index counter, so tests apply commands like a Raft node would.</summary>
internal sealed class KvReplica
{
    internal KvReplica(KvStateMachine? machine = null) => Machine = machine ?? new KvStateMachine();

    internal KvStateMachine Machine { get; }

    internal ulong Index { get; set; }

    internal KvResult Apply(KvCommand command) => Apply(command.ToByteArray());

    internal KvResult Apply(byte[] command) => KvResult.Parser.ParseFrom(Machine.Apply(++Index, command));

    internal KvResult Read(RangeRequest request) => Machine.Read(request);

    internal static KvResult WithoutMessage(KvResult result)
    {
        if (result.ResultCase != KvResult.ResultOneofCase.Error)
        {
            return result;
        }
        return new KvResult { Error = new KvError { Code = result.Error.Code } };
    }
}
