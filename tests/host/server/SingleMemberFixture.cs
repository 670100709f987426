using Xunit;

namespace Cairn.Host.Tests;

/// <summary>One single-member server shared by a test class.</summary>
public sealed class SingleMemberFixture : IAsyncLifetime
{
    public CairnCluster Cluster { get; } = new(1);

    public string Endpoint => Cluster.Members[0].Endpoint;

    public CairnProcess Member => Cluster.Members[0];

    public Task InitializeAsync() => Cluster.Start();

    public Task DisposeAsync()
    {
        Cluster.Dispose();
        return Task.CompletedTask;
    }
}
