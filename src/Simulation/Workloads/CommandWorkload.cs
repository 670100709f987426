using System.Buffers.Binary;
using Cairn.Core.Runtime;
using Cairn.Core.StateMachine;
using Cairn.Simulation.Checking;
using Cairn.Simulation.Engine;
using Cairn.Simulation.World;

namespace Cairn.Simulation.Workloads;

/// <summary>
/// The <c>register</c> workload: clients propose unique commands to a node drawn at random (followers forward to the leader), with a
/// timeout and retries (on a timeout, to another node). Each acknowledgement is checked against the
/// committed log at the acknowledged index.
/// </summary>
public sealed class CommandWorkload : IWorkload
{
    /// <summary>How long a client waits for an answer before retrying elsewhere, in ms.</summary>
    public const int RequestTimeoutMs = 1000;

    /// <summary>Register clients never give up an operation (every command is eventually acknowledged or the run ends);
    /// a refusal backs off 1–<see cref="RetryBackoffMaxMs"/> ms.</summary>
    public const int RetryBackoffMaxMs = 50;

    private static readonly RetryPolicy Policy = new(RequestTimeoutMs, int.MaxValue, long.MaxValue, RetryBackoffMaxMs / 2, RetryBackoffMaxMs);

    private readonly SimRandom _random;
    private Client[] _clients = Array.Empty<Client>();
    private IClientWorld _world = null!;
    private ClientRetryLoop _loop = null!;
    private long _firstAckAfterHeal = -1;
    private readonly List<(int Client, ulong Seq, long Start, long End)> _operations = new();

    private sealed class Client : IRetryingClient
    {
        public int Index { get; init; }
        public ulong Seq;
        public ulong RequestId { get; set; }
        public int Target { get; set; }
        public int Attempts { get; set; }
        public bool MaybeApplied { get; set; }
        public byte[] Command = Array.Empty<byte>();
        public long InvokedAt { get; set; }
        public bool Idle;
    }

    private sealed record Proposal(ulong RequestId, byte[] Command) : ISimRequest
    {
        public void Deliver(SimNode node) => node.Runtime!.Propose(RequestId, Command);
    }

    /// <summary>Creates the workload with its own seeded stream.</summary>
    public CommandWorkload(SimRandom random) => _random = random;

    /// <inheritdoc />
    public string Name => "register";

    /// <inheritdoc />
    public long Acknowledged { get; private set; }

    /// <inheritdoc />
    public IStateMachine CreateStateMachine() => StateMachineFactory();

    /// <summary>Makes each node's state machine; tests replace it to plant failures.</summary>
    internal Func<IStateMachine> StateMachineFactory { get; init; } = () => new CommandLogStateMachine();

    /// <inheritdoc />
    public void Start(IClientWorld world)
    {
        _world = world;
        _loop = new ClientRetryLoop(world, _random, Policy);
        _clients = Enumerable.Range(0, world.Options.Clients).Select(i => new Client { Index = i, Target = 1 + i % world.NodeCount }).ToArray();
        foreach (var c in _clients) world.WakeClient(_random.Next(0, world.Options.ClientThinkMs * 2), c.Index, 0, null);
    }

    /// <inheritdoc />
    public void OnReply(int node, ClientReply reply)
    {
        if (_loop.TryClientOf(reply.RequestId, out var client)) _loop.Answer(client, reply.RequestId, reply);
    }

    /// <inheritdoc />
    public void OnWake(int client, long token, object? payload)
    {
        var c = _clients[client];
        if (token == ClientRetryLoop.StartToken) { NewCommand(c); Send(c); return; }
        if (token == ClientRetryLoop.RetryToken) { Send(c); return; }
        if (!_loop.Claim(c, token)) return; // a late answer to a request already given up on
        // Register clients never give up, so the loop's "out of attempts" answer cannot come.
        if (payload is not ClientReply reply) { _loop.OnTimeout(c, Send); return; }
        switch (reply.Outcome)
        {
            case ClientOutcome.Applied:
                Acknowledge(c, reply);
                // After the heal each client completes one fresh command, then goes idle (liveness phase).
                if (_world.Healed && c.InvokedAt >= _world.HealTimeMs) { c.Idle = true; return; }
                _world.WakeClient(_random.Next(1, _world.Options.ClientThinkMs * 2), c.Index, 0, null);
                return;
            case ClientOutcome.NotLeader:
                _loop.OnNotLeader(c, reply.LeaderHint, Send);
                return;
            default:
                _loop.OnRefused(c, Send);
                return;
        }
    }

    private void Send(IRetryingClient client)
    {
        var c = (Client)client;
        _loop.Send(c, id => new Proposal(id, c.Command));
    }

    private void NewCommand(Client c)
    {
        c.Seq++;
        c.Command = new byte[24];
        BinaryPrimitives.WriteUInt64LittleEndian(c.Command, (ulong)c.Index + 1);
        BinaryPrimitives.WriteUInt64LittleEndian(c.Command.AsSpan(8), c.Seq);
        BinaryPrimitives.WriteUInt64LittleEndian(c.Command.AsSpan(16), _random.NextULong());
        c.InvokedAt = _world.Now;
        c.Attempts = 0;
        c.Target = _random.Next(1, _world.NodeCount + 1); // any node: followers forward to the leader
        if (_world.RecordsTimeline) _operations.Add((c.Index, c.Seq, c.InvokedAt, -1));
    }

    private void Acknowledge(Client c, ClientReply reply)
    {
        Acknowledged++;
        if (_world.RecordsTimeline)
        {
            var i = _operations.FindLastIndex(o => o.Client == c.Index && o.Seq == c.Seq);
            if (i >= 0) _operations[i] = _operations[i] with { End = _world.Now };
        }
        _world.OnAcknowledged(c.Index, reply.Index, EntryDigest.OfPayload(0, c.Command));
        if (_world.Healed && c.InvokedAt >= _world.HealTimeMs && _firstAckAfterHeal < 0) _firstAckAfterHeal = _world.Now;
        _world.Trace("ack", c.Index, (long)reply.Index);
    }

    /// <inheritdoc />
    public bool Converged(long healTimeMs) => _firstAckAfterHeal >= 0 && _clients.All(c => c.Idle);

    /// <inheritdoc />
    public void Describe(Reporting.Timeline timeline)
    {
        foreach (var (client, seq, start, end) in _operations)
            timeline.Operations.Add(new Reporting.ClientOperation(client, start, end < 0 ? null : end, $"command {client + 1}:{seq}", end < 0 ? "unknown" : "ok"));
    }

    /// <inheritdoc />
    public void Finish()
    {
    }
}
