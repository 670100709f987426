using System.Diagnostics;

namespace Cairn.Simulation.Checking.Linearizability.Search;

/// <summary>
/// The call/return entries of a history, sorted by time, as a doubly linked list over arrays
/// (node 0 is the head sentinel; -1 ends the list). Lifting an operation unlinks its call and
/// return entries; unlifting relinks them, which is exact when done in LIFO order (Lowe, 2017).
/// </summary>
internal sealed class EntryList
{
    public const int Head = 0;
    public const int End = -1;

    private readonly int[] next;
    private readonly int[] prev;
    private readonly int[] match;
    private readonly int[] operation;
    private readonly bool[] isCall;

    public EntryList(ReadOnlySpan<long> calls, ReadOnlySpan<long> returns)
    {
        int n = calls.Length;
        int nodes = (2 * n) + 1;
        next = new int[nodes];
        prev = new int[nodes];
        match = new int[nodes];
        operation = new int[nodes];
        isCall = new bool[nodes];
        var order = new (long Time, int Kind, int Op)[2 * n];
        for (int i = 0; i < n; i++)
        {
            Debug.Assert(calls[i] <= returns[i], "an operation returns before it is called");
            order[2 * i] = (calls[i], 0, i);
            order[(2 * i) + 1] = (returns[i], 1, i);
        }

        // Calls sort before returns at equal times: operations that touch the same instant overlap.
        Array.Sort(order);
        Link(order);
    }

    public int First => next[Head];

    public int Next(int node) => next[node];

    public bool IsCall(int node) => isCall[node];

    public int OperationOf(int node) => operation[node];

    public void Lift(int call)
    {
        Debug.Assert(isCall[call], "only call entries are lifted");
        next[prev[call]] = next[call];
        prev[next[call]] = prev[call];
        int ret = match[call];
        next[prev[ret]] = next[ret];
        if (next[ret] != End)
        {
            prev[next[ret]] = prev[ret];
        }
    }

    public void Unlift(int call)
    {
        int ret = match[call];
        next[prev[ret]] = ret;
        if (next[ret] != End)
        {
            prev[next[ret]] = ret;
        }

        next[prev[call]] = call;
        prev[next[call]] = call;
    }

    private void Link((long Time, int Kind, int Op)[] order)
    {
        var callNode = new int[order.Length / 2];
        int last = Head;
        for (int k = 0; k < order.Length; k++)
        {
            int node = k + 1;
            operation[node] = order[k].Op;
            isCall[node] = order[k].Kind == 0;
            if (isCall[node])
            {
                callNode[order[k].Op] = node;
            }
            else
            {
                match[callNode[order[k].Op]] = node;
            }

            prev[node] = last;
            next[last] = node;
            last = node;
        }

        next[last] = End;
    }
}
