using Microsoft.Coyote.Actors;

namespace Cairn.Simulation.Tests.Coyote;

/// <summary>
/// Logical time and the nemesis. Each step ticks one node of Coyote's choosing, gives the client a turn
/// and may crash a node. It stops after a fixed number of ticks, so every iteration ends.
/// </summary>
[OnEventDoAction(typeof(Advance), nameof(OnAdvance))]
internal sealed class ClockActor : Actor
{
    /// <summary>A step crashes a node with probability one in this many, while crashes remain.</summary>
    public const int CrashOneIn = 24;

    /// <summary>The client gets a turn every this many ticks.</summary>
    public const int TicksPerClientTurn = 3;

    private ClockSetup _setup = null!;
    private int _ticks;
    private int _crashes;

    protected override Task OnInitializeAsync(Event initialEvent)
    {
        _setup = (ClockSetup)initialEvent;
        SendEvent(Id, new Advance());
        return Task.CompletedTask;
    }

    private void OnAdvance()
    {
        _ticks++;
        var nodes = _setup.Nodes;
        SendEvent(nodes[RandomInteger(nodes.Count)], new Tick());
        if (_ticks % TicksPerClientTurn == 0) SendEvent(_setup.Client, new ClientTurn());
        if (_crashes < _setup.CrashesMax && RandomInteger(CrashOneIn) == 0)
        {
            _crashes++;
            SendEvent(nodes[RandomInteger(nodes.Count)], new CrashRestart());
        }
        if (_ticks < _setup.TicksMax) SendEvent(Id, new Advance());
    }
}
