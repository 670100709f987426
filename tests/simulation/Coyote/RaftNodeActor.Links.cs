using Cairn.Core.Raft.Wire;

namespace Cairn.Simulation.Tests.Coyote;

/// <summary>
/// The network: a node sends each message as an event straight to the receiving node's actor, and
/// Coyote chooses the link's behaviour. A held-back message leaves at this node's next step, after
/// messages sent later in its own step, so links reorder; a lossy link also drops and duplicates.
/// </summary>
internal sealed partial class RaftNodeActor
{
    /// <summary>A link misbehaves (delays; when lossy also drops or duplicates) one message in this many.</summary>
    public const int LinkFaultOneIn = 6;

    /// <summary>Most messages a node holds back at once; beyond it they are sent at once.</summary>
    public const int DelayedMax = 16;

    private readonly List<Message> _delayed = new();

    private enum LinkFate { Deliver, Delay, Drop, Duplicate }

    private void Send(Message m)
    {
        switch (ChooseFate())
        {
            case LinkFate.Deliver: Deliver(m); break;
            case LinkFate.Delay: _delayed.Add(m); break;
            case LinkFate.Drop: break;
            case LinkFate.Duplicate: Deliver(m); Deliver(m); break;
        }
    }

    private LinkFate ChooseFate()
    {
        if (RandomInteger(LinkFaultOneIn) != 0) return LinkFate.Deliver;
        if (!_setup.Lossy) return _delayed.Count < DelayedMax ? LinkFate.Delay : LinkFate.Deliver;
        return RandomInteger(3) switch
        {
            0 when _delayed.Count < DelayedMax => LinkFate.Delay,
            0 => LinkFate.Deliver,
            1 => LinkFate.Drop,
            _ => LinkFate.Duplicate,
        };
    }

    /// <summary>Sends what earlier steps held back; called before this step's own messages.</summary>
    private void ReleaseDelayed()
    {
        if (_delayed.Count == 0) return;
        var held = _delayed.ToArray();
        _delayed.Clear();
        foreach (var m in held) Deliver(m);
    }

    /// <summary>Each delivery carries its own copy: nodes never share mutable protobuf objects.</summary>
    private void Deliver(Message m) => SendEvent(_setup.Peers[(int)m.To - 1], new RaftMessage(m.Clone()));
}
