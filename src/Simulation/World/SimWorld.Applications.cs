namespace Cairn.Simulation.World;

/// <summary>The extension point for per-node applications (<see cref="INodeApplicationFactory"/>).</summary>
public sealed partial class SimWorld
{
    private readonly SortedDictionary<int, INodeApplication> _applications = new();

    /// <summary>Asks the workload for the application of the node's new incarnation.</summary>
    private void AttachApplication(SimNode node)
    {
        _applications.Remove(node.Id);
        if (Workload is INodeApplicationFactory factory && factory.CreateApplication(node) is { } application)
        {
            _applications.Add(node.Id, application);
        }
    }

    /// <summary>One local tick of a running node: through its application when it has one.</summary>
    private void TickNode(SimNode node)
    {
        if (_applications.TryGetValue(node.Id, out INodeApplication? application)) application.Tick();
        else node.Runtime!.Tick();
    }
}
