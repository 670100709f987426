using System.Buffers.Binary;
using Cairn.Core.StateMachine;

namespace Cairn.Simulation.Workloads;

/// <summary>
/// The state machine of the <c>register</c> workload: an append-only log of client commands. Its reply
/// is the number of commands applied so far, so a reply pins the command's position.
/// </summary>
public sealed class CommandLogStateMachine : IStateMachine
{
    /// <inheritdoc />
    public ulong AppliedIndex { get; private set; }

    /// <summary>Commands applied so far.</summary>
    public ulong Count { get; private set; }

    /// <inheritdoc />
    public byte[] Apply(ulong index, ReadOnlySpan<byte> command)
    {
        if (index <= AppliedIndex) throw new InvalidOperationException($"apply of index {index} after {AppliedIndex}");
        AppliedIndex = index;
        Count++;
        var reply = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(reply, Count);
        return reply;
    }

    /// <inheritdoc />
    public byte[] TakeSnapshot()
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, AppliedIndex);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8), Count);
        return bytes;
    }

    /// <inheritdoc />
    public void RestoreSnapshot(ReadOnlySpan<byte> snapshot)
    {
        if (snapshot.Length != 16) throw new InvalidDataException("command-log snapshot must be 16 bytes");
        AppliedIndex = BinaryPrimitives.ReadUInt64LittleEndian(snapshot);
        Count = BinaryPrimitives.ReadUInt64LittleEndian(snapshot[8..]);
    }
}
