using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;

namespace Cairn.Host.Node;

/// <summary>
/// The one thread that owns a node's runtime and KV service. Everything that touches them (peer
/// frames, ticks, disk completions, client requests) is posted here as an input and runs in order;
/// nothing else touches the node. Raft's own inputs (ticks, peer frames, disk completions) go to a queue
/// that each batch takes first, so a backlog of client requests never holds back heartbeats, votes,
/// acknowledgements or the election clock (etcd's raft loop likewise selects ticks and messages beside
/// proposals instead of behind them).
/// </summary>
internal sealed class NodeLoop : IDisposable
{
    /// <summary>Most inputs queued for the loop; client requests beyond it are refused ("too many requests").</summary>
    public const int QueuedInputsMax = 65_536;

    /// <remarks>Synchronous continuations: a post wakes the blocked loop thread directly. Without them the
    /// channel completes the loop's wait on the thread pool, so every wake-up of an idle loop waited for a
    /// pool thread (milliseconds under load, tens of them when the pool is busy with gRPC and peer reads).
    /// The only continuation is the loop's own blocking wait, so no foreign code runs on the poster.</remarks>
    private readonly Channel<Action> _inputs = Channel.CreateBounded<Action>(
        new BoundedChannelOptions(QueuedInputsMax) { SingleReader = true, AllowSynchronousContinuations = true });
    private readonly Thread _thread;

    /// <summary>Raft inputs, taken before client requests; each post also drops a <see cref="Wake"/> into
    /// <see cref="_inputs"/> so an idle loop wakes up.</summary>
    private readonly ConcurrentQueue<Action> _raftInputs = new();
    private int _raftInputsQueued;
    private static readonly Action Wake = static () => { };

    /// <summary>Most inputs run in one batch: the node carries out one Ready (one disk write, one round of
    /// messages) for all of them, then <c>afterEach</c> runs. Bounded so a flood cannot starve watch flushes.</summary>
    public const int InputsPerBatchMax = 512;

    private readonly Action<Exception> _crashed;
    private Action? _afterEach;
    private Func<IDisposable>? _beginBatch;

    public NodeLoop(Action<Exception> crashed)
    {
        _crashed = crashed;
        _thread = new Thread(Run) { IsBackground = true, Name = "cairn-node-loop" };
    }

    /// <summary>True once the loop's thread has ended (or never started): nothing touches the node any more.</summary>
    public bool Exited => !_thread.IsAlive;

    /// <summary>True on the loop's own thread.</summary>
    public bool OnLoop => Thread.CurrentThread == _thread;

    /// <summary>Starts the loop; <paramref name="afterEach"/> runs after every batch of inputs (watch flush, metrics).
    /// <paramref name="beginBatch"/>, when given, opens the scope each batch runs in (the runtime's batch).</summary>
    public void Start(Action afterEach, Func<IDisposable>? beginBatch = null)
    {
        _afterEach = afterEach;
        _beginBatch = beginBatch;
        _thread.Start();
    }

    /// <summary>Raft inputs waiting (readable from any thread).</summary>
    public int RaftInputsQueued => Volatile.Read(ref _raftInputsQueued);

    /// <summary>Client inputs (and wake-ups) waiting (readable from any thread).</summary>
    public int ClientInputsQueued => _inputs.Reader.Count;

    /// <summary>Told the seconds of every batch, after-batch work included (set before <see cref="Start"/>).</summary>
    public Action<double>? BatchTimed { get; set; }

    /// <summary>Queues an input unless the queue is full (client requests, peer frames: both may be refused or lost).</summary>
    public bool TryPost(Action input) => _inputs.Writer.TryWrite(input);

    /// <summary>Queues a Raft input that may be lost (a tick, a peer frame: Raft retransmits) ahead of client
    /// requests, unless <see cref="QueuedInputsMax"/> of them wait.</summary>
    public bool TryPostRaft(Action input)
    {
        if (Volatile.Read(ref _raftInputsQueued) >= QueuedInputsMax) return false;
        EnqueueRaft(input);
        return true;
    }

    /// <summary>Queues a Raft input that must not be lost (disk completions) ahead of client requests. Never
    /// blocks: the log disk bounds its own completions.</summary>
    public void PostRaft(Action input) => EnqueueRaft(input);

    /// <summary>Queues an input that must not be lost behind the client requests before it (closing a watch
    /// stream after its creation), waiting for room.</summary>
    public void Post(Action input)
    {
        if (_inputs.Writer.TryWrite(input))
        {
            return;
        }
        try
        {
            _inputs.Writer.WriteAsync(input).AsTask().GetAwaiter().GetResult();
        }
        catch (ChannelClosedException)
        {
            // stopping: the node takes no more inputs
        }
    }

    private void EnqueueRaft(Action input)
    {
        Interlocked.Increment(ref _raftInputsQueued);
        _raftInputs.Enqueue(input);
        // Wakes an idle loop. When the queue is full the loop is busy and takes the Raft inputs first anyway.
        _inputs.Writer.TryWrite(Wake);
    }

    /// <summary>Runs <paramref name="query"/> on the loop and returns its result.</summary>
    public Task<T> Ask<T>(Func<T> query)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool queued = TryPost(() =>
        {
            try
            {
                done.TrySetResult(query());
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        });
        if (!queued)
        {
            done.TrySetException(new LoopBusyException());
        }
        return done.Task;
    }

    /// <summary>Stops taking inputs; the loop finishes what is queued and exits.</summary>
    public void Stop() => _inputs.Writer.TryComplete();

    public void Dispose()
    {
        Stop();
        if (_thread.IsAlive && !OnLoop)
        {
            _thread.Join(TimeSpan.FromSeconds(10));
        }
    }

    private void Run()
    {
        ChannelReader<Action> reader = _inputs.Reader;
        try
        {
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                while (RunBatch(reader) == InputsPerBatchMax)
                {
                    // a full batch: more may be queued; take them without waiting
                }
            }
        }
        catch (Exception e)
        {
            _crashed(e);
        }
    }

    /// <summary>Runs up to <see cref="InputsPerBatchMax"/> queued inputs in one batch, then the after-batch work.</summary>
    private int RunBatch(ChannelReader<Action> reader)
    {
        int count = 0;
        long start = Stopwatch.GetTimestamp();
        using (_beginBatch?.Invoke())
        {
            while (count < InputsPerBatchMax && _raftInputs.TryDequeue(out Action? raftInput))
            {
                Interlocked.Decrement(ref _raftInputsQueued);
                raftInput();
                count++;
            }
            while (count < InputsPerBatchMax && reader.TryRead(out Action? input))
            {
                if (input == Wake) continue;
                input();
                count++;
            }
        }
        _afterEach?.Invoke();
        BatchTimed?.Invoke(Stopwatch.GetElapsedTime(start).TotalSeconds);
        return count;
    }
}

/// <summary>The loop's input queue is full.</summary>
internal sealed class LoopBusyException() : Exception("etcdserver: too many requests");
