using Cairn.Simulation.History;

namespace Cairn.Simulation.Checking.Linearizability.Benchmark;

/// <summary>
/// Generates linearizable KV histories deterministically from a seed: every client issues
/// sequential operations with random durations; each operation takes effect at a random instant
/// inside its interval, and a <see cref="ReferenceKvStore"/> applies them in that order to compute
/// the replies. Values are unique ("v" + a serial number), so a read names the write it saw.
/// </summary>
public static class KvHistoryGenerator
{
    /// <summary>Generates a history.</summary>
    /// <param name="options">The shape of the history.</param>
    /// <param name="seed">The seed; equal seeds give equal histories.</param>
    /// <returns>The operations ordered by index (invocation order).</returns>
    public static IReadOnlyList<HistoryOperation> Generate(KvHistoryOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        var random = new Random(seed);
        List<Planned> plan = PlanIntervals(options, random);
        Execute(plan, random);
        plan.Sort((a, b) => (a.Call, a.Client).CompareTo((b.Call, b.Client)));
        var history = new HistoryOperation[plan.Count];
        for (int i = 0; i < plan.Count; i++)
        {
            Planned p = plan[i];
            history[i] = new HistoryOperation(i, p.Process, p.Request, p.Outcome == OperationOutcome.Ok ? p.Response : null, p.Outcome,
                p.Call, p.Outcome == OperationOutcome.Info ? HistoryOperation.OpenReturnTime : p.Return);
        }

        return history;
    }

    private static List<Planned> PlanIntervals(KvHistoryOptions options, Random random)
    {
        var plan = new List<Planned>(options.Operations);
        var clock = new long[options.Clients];
        var process = new int[options.Clients];
        for (int c = 0; c < options.Clients; c++)
        {
            process[c] = c;
        }

        for (int i = 0; i < options.Operations; i++)
        {
            int c = i % options.Clients;
            long call = clock[c] + random.Next(options.PauseMax + 1);
            long duration = 1 + random.Next(options.DurationMax);
            OperationOutcome outcome = DrawOutcome(options, random);
            var p = new Planned(c, process[c], KvRequestDraw.Draw(options, random, i), call, call + duration,
                call + (random.NextDouble() * duration), outcome);
            plan.Add(p);
            clock[c] = p.Return;
            process[c] += outcome == OperationOutcome.Info ? options.Clients : 0;
        }

        return plan;
    }

    private static OperationOutcome DrawOutcome(KvHistoryOptions options, Random random)
    {
        double roll = random.NextDouble();
        return roll < options.InfoFraction ? OperationOutcome.Info
            : roll < options.InfoFraction + options.FailFraction ? OperationOutcome.Fail
            : OperationOutcome.Ok;
    }

    private static void Execute(List<Planned> plan, Random random)
    {
        var store = new ReferenceKvStore();
        var order = Enumerable.Range(0, plan.Count).ToArray();
        Array.Sort(order, (a, b) => (plan[a].TakesEffect, a).CompareTo((plan[b].TakesEffect, b)));
        foreach (int i in order)
        {
            Planned p = plan[i];
            bool applies = p.Outcome == OperationOutcome.Ok || (p.Outcome == OperationOutcome.Info && random.Next(2) == 0);
            p.Response = applies ? store.Apply(p.Request) : null;
        }
    }

    private sealed class Planned(int client, int process, KvRequest request, long call, long @return, double takesEffect, OperationOutcome outcome)
    {
        public int Client { get; } = client;

        public int Process { get; } = process;

        public KvRequest Request { get; } = request;

        public long Call { get; } = call;

        public long Return { get; } = @return;

        public double TakesEffect { get; } = takesEffect;

        public OperationOutcome Outcome { get; } = outcome;

        public KvResponse? Response { get; set; }
    }
}
