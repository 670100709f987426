namespace Cairn.Simulation.Workloads.Kv;

/// <summary>One attempt of a client operation, as the simulated transport sees it: a reply travels back on
/// the connection of the attempt that the node answered, not by request id alone.</summary>
/// <param name="Client">The client that sent it.</param>
/// <param name="RequestId">Its request id (fresh, or deliberately reused from another client's pending attempt).</param>
/// <param name="Operation">What was sent.</param>
/// <param name="Reused">True when the id was reused from another client's pending attempt.</param>
internal sealed record KvAttempt(KvClient Client, ulong RequestId, KvOperation Operation, bool Reused);
