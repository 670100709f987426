using Cairn.Simulation.Engine;

namespace Cairn.Simulation.Workloads;

/// <summary>How a simulated client retries one operation.</summary>
/// <param name="AttemptTimeoutMs">How long one attempt waits for an answer before the client tries the next node.</param>
/// <param name="AttemptsMax">Most attempts per operation before the client gives up.</param>
/// <param name="OperationDeadlineMs">How long the client keeps retrying one operation before it gives up.</param>
/// <param name="BackoffFirstMs">The first pause bound after a refusal; it doubles per attempt.</param>
/// <param name="BackoffMaxMs">The largest pause bound between two attempts.</param>
internal sealed record RetryPolicy(int AttemptTimeoutMs, int AttemptsMax, long OperationDeadlineMs, int BackoffFirstMs, int BackoffMaxMs);

/// <summary>A client's view of the operation it is retrying.</summary>
internal interface IRetryingClient
{
    /// <summary>The world's client index.</summary>
    int Index { get; }

    /// <summary>The node the next attempt goes to.</summary>
    int Target { get; set; }

    /// <summary>The request id of the attempt in flight (0 = none).</summary>
    ulong RequestId { get; set; }

    /// <summary>Attempts made for the operation in flight.</summary>
    int Attempts { get; set; }

    /// <summary>When the operation in flight was invoked.</summary>
    long InvokedAt { get; }

    /// <summary>True when some attempt went unanswered, so the operation may have taken effect.</summary>
    bool MaybeApplied { get; set; }
}

/// <summary>
/// The client retry loop, written once for every workload: each attempt gets a fresh request id (or, for a
/// client that deliberately reuses one, a given id), a delivery after client latency and a timeout wake; a
/// timeout moves the client to the next node and marks the operation "maybe applied"; a NotLeader with a new
/// hint redirects at once, otherwise the client moves on and backs off (bounded exponential); an operation
/// past <see cref="RetryPolicy.AttemptsMax"/> or its deadline is given up. Wake tokens: <see cref="StartToken"/>
/// (think time over), <see cref="RetryToken"/> (backoff over), or the request id of the attempt answered or timed out.
/// </summary>
internal sealed class ClientRetryLoop(IClientWorld world, SimRandom random, RetryPolicy policy)
{
    /// <summary>The wake token that starts a client's next operation.</summary>
    public const long StartToken = 0;

    /// <summary>The wake token that ends a backoff.</summary>
    public const long RetryToken = -1;

    private readonly SortedDictionary<ulong, int> _clientOfRequest = new();
    private ulong _nextRequestId;

    /// <summary>The policy.</summary>
    public RetryPolicy Policy => policy;

    /// <summary>The request ids issued so far (the largest one).</summary>
    public ulong LastRequestId => _nextRequestId;

    /// <summary>Sends the next attempt of <paramref name="c"/>'s operation to its target.</summary>
    /// <param name="c">The client.</param>
    /// <param name="request">Builds the request for the attempt's id.</param>
    /// <param name="reusedId">A request id to use instead of a fresh one (a client that reuses ids), or 0.</param>
    public void Send(IRetryingClient c, Func<ulong, ISimRequest> request, ulong reusedId = 0)
    {
        c.Attempts++;
        c.RequestId = reusedId != 0 ? reusedId : ++_nextRequestId;
        if (reusedId == 0)
        {
            _clientOfRequest[c.RequestId] = c.Index;
        }

        world.SubmitToNode(world.ClientLatency(), c.Target, c.Index, request(c.RequestId));
        world.WakeClient(policy.AttemptTimeoutMs, c.Index, (long)c.RequestId, null);
    }

    /// <summary>The client that sent the attempt with <paramref name="requestId"/>, while it waits for it.</summary>
    public bool TryClientOf(ulong requestId, out int client) => _clientOfRequest.TryGetValue(requestId, out client);

    /// <summary>Schedules the answer (or null) to reach the client after client latency.</summary>
    public void Answer(int client, ulong requestId, object? reply) =>
        world.WakeClient(world.ClientLatency(), client, (long)requestId, reply);

    /// <summary>True when <paramref name="token"/> is the attempt in flight; then the attempt is over.
    /// False for a late answer to an attempt already given up on.</summary>
    public bool Claim(IRetryingClient c, long token)
    {
        if (token <= 0 || (ulong)token != c.RequestId)
        {
            return false;
        }

        if (_clientOfRequest.TryGetValue(c.RequestId, out int owner) && owner == c.Index)
        {
            _clientOfRequest.Remove(c.RequestId);
        }

        c.RequestId = 0;
        return true;
    }

    /// <summary>The attempt timed out: it may have taken effect; the next goes to the next node at once.</summary>
    /// <returns>False when the operation is out of attempts or time (the caller gives up).</returns>
    public bool OnTimeout(IRetryingClient c, Action<IRetryingClient> send)
    {
        c.Target = NextNode(c.Target);
        c.MaybeApplied = true;
        return Retry(c, immediately: true, send);
    }

    /// <summary>The node is not the leader: redirect at once to a new hint, else move on and back off.</summary>
    /// <returns>False when the operation is out of attempts or time.</returns>
    public bool OnNotLeader(IRetryingClient c, ulong leaderHint, Action<IRetryingClient> send)
    {
        if (leaderHint != 0 && (int)leaderHint != c.Target)
        {
            c.Target = (int)leaderHint;
            return Retry(c, immediately: true, send);
        }

        c.Target = NextNode(c.Target);
        return Retry(c, immediately: false, send);
    }

    /// <summary>The attempt was refused (rejected, dropped): back off and try again at the same node.</summary>
    /// <returns>False when the operation is out of attempts or time.</returns>
    public bool OnRefused(IRetryingClient c, Action<IRetryingClient> send) => Retry(c, immediately: false, send);

    /// <summary>The node after <paramref name="node"/>, cyclically.</summary>
    public int NextNode(int node) => 1 + (node % world.NodeCount);

    private bool Retry(IRetryingClient c, bool immediately, Action<IRetryingClient> send)
    {
        if (c.Attempts >= policy.AttemptsMax || world.Now - c.InvokedAt >= policy.OperationDeadlineMs)
        {
            return false;
        }

        if (immediately)
        {
            send(c);
        }
        else
        {
            int bound = Math.Min(policy.BackoffMaxMs, policy.BackoffFirstMs << Math.Min(c.Attempts, 10));
            world.WakeClient(random.Next(1, bound + 1), c.Index, RetryToken, null);
        }

        return true;
    }
}
