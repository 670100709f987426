using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Cairn.Property.Tests.Raft;

/// <summary>
/// <see cref="RaftLog"/> against <see cref="RaftLogModel"/> over random mixes of leader appends, follower
/// appends with conflicts (Raft §5.3), commits, storage hand-offs and completions, and apply.
/// </summary>
public sealed class RaftLogProperties
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(400);

    [Fact]
    public void Log_and_watermarks_match_the_model()
    {
        Prop.ForAll(RaftLogOp.Sequences, ops => Run(ops, truncateOnConflict: true)).Check(Runs);
    }

    /// <summary>Canary: without §5.3 truncation a stale suffix survives and the model comparison fails.</summary>
    [Fact]
    public void Model_comparison_catches_the_no_truncate_on_conflict_canary()
    {
        Assert.ThrowsAny<Exception>(() =>
            Prop.ForAll(RaftLogOp.Sequences, ops => Run(ops, truncateOnConflict: false)).Check(Runs));
    }

    private static void Run(RaftLogOp[] ops, bool truncateOnConflict)
    {
        var log = new RaftLog(Array.Empty<Entry>(), 0);
        var model = new RaftLogModel();
        foreach (var op in ops)
        {
            Step(log, model, op, truncateOnConflict);
            AssertInvariants(log, model, op);
        }
        Drain(log, model);
        Assert.Equal(log.LastIndex, log.Stable);
        Assert.Equal(log.Committed, log.Applied);
        Assert.Equal(model.AppliedHistory, Enumerable.Range(1, (int)log.Applied).Select(i => ((ulong)i, model.Log[i - 1])));
    }

    private static void Step(RaftLog log, RaftLogModel model, RaftLogOp op, bool truncateOnConflict)
    {
        switch (op.Kind)
        {
            case RaftLogOpKind.LeaderAppend:
                for (var i = 0; i <= op.A % 3; i++)
                {
                    log.Append(new Entry { Index = log.LastIndex + 1, Term = model.CurrentTerm });
                    model.Log.Add(model.CurrentTerm);
                }
                break;
            case RaftLogOpKind.NewTerm:
                model.CurrentTerm++;
                break;
            case RaftLogOpKind.FollowerAppend:
                FollowerAppend(log, model, op, truncateOnConflict);
                break;
            case RaftLogOpKind.CommitTo:
                var commit = (ulong)op.A % (model.LastIndex + 1);
                log.CommitTo(commit);
                model.Committed = Math.Max(model.Committed, commit);
                break;
            case RaftLogOpKind.TakeUnpersisted:
                TakeUnpersisted(log, model);
                break;
            case RaftLogOpKind.CompleteWrite:
                if (model.Writes.Count > 0) CompleteWrite(log, model);
                break;
            case RaftLogOpKind.TakeApplicable:
                TakeApplicable(log, model, op.A % 4 + 1);
                break;
        }
    }

    /// <summary>
    /// An append a leader could send: prev at or after the commit index (a follower refuses anything
    /// older, so the committed prefix is never rewritten), a prefix matching our log, then new entries.
    /// New entries that rewrite our log come from a newer leader, so they get a fresh term.
    /// </summary>
    private static void FollowerAppend(RaftLog log, RaftLogModel model, RaftLogOp op, bool truncateOnConflict)
    {
        var prev = model.Committed + (ulong)op.A % (model.LastIndex - model.Committed + 1);
        var matching = (ulong)op.B % (model.LastIndex - prev + 1);
        var fresh = op.C % 4;
        var conflicts = fresh > 0 && prev + matching < model.LastIndex;
        if (conflicts) model.CurrentTerm++;
        var entries = new List<Entry>();
        for (var i = prev + 1; i <= prev + matching; i++) entries.Add(new Entry { Index = i, Term = model.TermAt(i) });
        for (var k = 0; k < fresh; k++) entries.Add(new Entry { Index = prev + matching + (ulong)k + 1, Term = model.CurrentTerm });

        Assert.True(log.MatchTerm(prev, model.TermAt(prev)), "the consistency check on prev must pass");
        var verified = log.AppendVerified(prev, entries, truncateOnConflict);

        Assert.Equal(prev + (ulong)entries.Count, verified);
        if (conflicts) model.Log.RemoveRange((int)(prev + matching), model.Log.Count - (int)(prev + matching));
        foreach (var e in entries.Skip((int)matching))
            if (e.Index > model.LastIndex) model.Log.Add(e.Term);
    }

    /// <summary>TakeUnpersisted returns exactly the suffix from the first index storage does not yet hold as we do.</summary>
    private static void TakeUnpersisted(RaftLog log, RaftLogModel model)
    {
        var dirty = model.FirstDirtyIndex();
        var write = log.TakeUnpersisted();
        if (dirty is null)
        {
            Assert.Empty(write);
            return;
        }
        Assert.Equal(Enumerable.Range((int)dirty.Value, (int)(model.LastIndex - dirty.Value) + 1).Select(i => ((ulong)i, model.Log[i - 1])),
            write.Select(e => (e.Index, e.Term)));
        Assert.False(log.HasUnpersisted);
        RaftLogModel.ApplyWrite(model.Handed, write);
        Assert.Equal(model.Log, model.Handed);
        model.Writes.Enqueue(write);
    }

    /// <summary>Storage makes the oldest write durable and reports its last entry, as the runtime does.</summary>
    private static void CompleteWrite(RaftLog log, RaftLogModel model)
    {
        var write = model.Writes.Dequeue();
        RaftLogModel.ApplyWrite(model.Durable, write);
        log.StableTo(write[^1].Index, write[^1].Term);
    }

    private static void TakeApplicable(RaftLog log, RaftLogModel model, int max)
    {
        var limit = Math.Min(model.Committed, log.Stable);
        var expected = (int)Math.Min((ulong)max, limit - model.Applied);
        var applied = log.TakeApplicable(requireDurable: true, max);
        Assert.Equal(expected, applied.Count);
        foreach (var e in applied)
        {
            Assert.Equal(++model.Applied, e.Index);
            Assert.True(e.Index <= (ulong)model.Durable.Count && model.Durable[(int)e.Index - 1] == e.Term,
                $"applied entry ({e.Index},{e.Term}) is not durable");
            model.AppliedHistory.Add((e.Index, e.Term));
        }
    }

    private static void AssertInvariants(RaftLog log, RaftLogModel model, RaftLogOp op)
    {
        Assert.Equal(model.LastIndex, log.LastIndex);
        for (ulong i = 1; i <= log.LastIndex; i++)
        {
            Assert.Equal(i, log.At(i).Index);
            Assert.True(model.TermAt(i) == log.Term(i), $"after {op}: term at {i} is {log.Term(i)}, model {model.TermAt(i)}");
        }
        Assert.Equal(model.Committed, log.Committed);
        Assert.Equal(model.Applied, log.Applied);
        Assert.True(log.Stable < log.PersistFrom && log.PersistFrom <= log.LastIndex + 1, $"after {op}: Stable {log.Stable}, PersistFrom {log.PersistFrom}");
        // Stable never runs ahead of the disk: every entry up to it is durable exactly as held in memory.
        Assert.True(log.Stable <= (ulong)model.Durable.Count, $"after {op}: Stable {log.Stable} beyond durable {model.Durable.Count}");
        for (var i = 0; i < (int)log.Stable; i++)
            Assert.True(model.Durable[i] == model.Log[i], $"after {op}: Stable {log.Stable} covers index {i + 1} whose durable term differs");
        Assert.True(log.Applied <= Math.Min(log.Committed, log.Stable), $"after {op}: Applied {log.Applied} > min(Committed, Stable)");
        Assert.Equal(model.FirstDirtyIndex() is not null, log.HasUnpersisted);
    }

    private static void Drain(RaftLog log, RaftLogModel model)
    {
        TakeUnpersisted(log, model);
        while (model.Writes.Count > 0) CompleteWrite(log, model);
        while (log.HasApplicable(requireDurable: true)) TakeApplicable(log, model, RaftNode.ApplyBatchMax);
    }
}
