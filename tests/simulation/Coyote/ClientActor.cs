using System.Text;
using Microsoft.Coyote.Actors;

namespace Cairn.Simulation.Tests.Coyote;

/// <summary>
/// A client that proposes distinct commands to nodes of Coyote's choosing, one request at a time,
/// until a fixed number were accepted by a leader. Commit is the monitors' business, not the client's.
/// </summary>
[OnEventDoAction(typeof(ClientTurn), nameof(OnTurn))]
[OnEventDoAction(typeof(ProposeReply), nameof(OnReply))]
internal sealed class ClientActor : Actor
{
    private ClientSetup _setup = null!;
    private int _accepted;
    private int _sent;
    private bool _awaitingReply;

    protected override Task OnInitializeAsync(Event initialEvent)
    {
        _setup = (ClientSetup)initialEvent;
        return Task.CompletedTask;
    }

    private void OnTurn()
    {
        if (_awaitingReply || _accepted >= _setup.CommandsMax) return;
        _awaitingReply = true;
        _sent++;
        var node = _setup.Nodes[RandomInteger(_setup.Nodes.Count)];
        SendEvent(node, new ProposeRequest(Id, Encoding.ASCII.GetBytes($"cmd-{_sent}")));
    }

    private void OnReply(Event e)
    {
        _awaitingReply = false;
        if (((ProposeReply)e).Accepted) _accepted++;
    }
}
