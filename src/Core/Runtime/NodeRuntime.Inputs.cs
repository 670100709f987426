namespace Cairn.Core.Runtime;

public sealed partial class NodeRuntime
{
    /// <summary>
    /// Most inputs that may arrive re-entrantly (from inside an output handler: a disk that completes inside
    /// <see cref="ILogDisk.Submit"/>, a network that delivers synchronously, a reply sink that proposes) while
    /// one input is being carried out. More means the driver loops back into the node without end: the node
    /// fail-stops and the input throws.
    /// </summary>
    public const int DeferredInputsMax = 65_536;

    private readonly Queue<Action> _deferred = new();
    private bool _inInput;

    /// <summary>
    /// Runs one input to completion, then every input that arrived re-entrantly while it ran, in arrival
    /// order. An input arriving while another runs is queued, never interleaved with a Ready half carried out.
    /// </summary>
    private void Accept<T>(T state, Action<NodeRuntime, T> input)
    {
        if (_inInput && !_bugs.ReentrantInputs)
        {
            Defer(() => input(this, state));
            return;
        }
        var outermost = !_inInput;
        Invariant.Holds(outermost || _bugs.ReentrantInputs, "inputs never interleave");
        _inInput = true;
        try
        {
            input(this, state);
            if (!outermost) return;
            while (_deferred.Count > 0 && !Stopped) _deferred.Dequeue()();
        }
        finally
        {
            if (outermost)
            {
                _deferred.Clear();
                _inInput = false;
            }
        }
    }

    private void Defer(Action input)
    {
        if (_deferred.Count >= DeferredInputsMax)
        {
            FailStop($"more than {DeferredInputsMax} re-entrant inputs queued during one input (DeferredInputsMax): the driver loops back into the node");
            throw new InvalidOperationException(StopReason);
        }
        Invariant.Holds(_inInput, "only an input that arrives during another is deferred");
        _deferred.Enqueue(input);
    }

    /// <summary>Stops the node for good: it accepts no further input and <see cref="StopReason"/> says why.</summary>
    private void FailStop(string reason)
    {
        if (Stopped) return;
        Stopped = true;
        StopReason = reason;
    }
}
