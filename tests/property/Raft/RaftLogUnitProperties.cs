using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using Xunit;

namespace Cairn.Property.Tests.Raft;

/// <summary>Single-operation properties of <see cref="RaftLog"/>: recovery, the committed prefix, slicing, §5.4.1.</summary>
public sealed class RaftLogUnitProperties
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(300);

    private static RaftLog LogOf(IEnumerable<ulong> terms, ulong committed = 0) =>
        new(terms.Select((t, i) => new Entry { Index = (ulong)i + 1, Term = t }).ToList(), committed);

    /// <summary>Non-decreasing terms, as every Raft log has.</summary>
    private static Gen<ulong[]> TermsGen =>
        Gen.Choose(0, 12).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 2), n))
            .Select(steps => { var t = 1UL; return steps.Select(s => t += (ulong)s).ToArray(); });

    [Fact]
    public void Recovered_log_is_stable_and_clamps_commit()
    {
        var arb = (from terms in TermsGen from commit in Gen.Choose(0, 20) select (terms, commit)).ToArbitrary();
        Prop.ForAll(arb, run =>
        {
            var log = LogOf(run.terms, (ulong)run.commit);
            Assert.Equal((ulong)run.terms.Length, log.LastIndex);
            Assert.Equal(log.LastIndex, log.Stable);
            Assert.False(log.HasUnpersisted);
            Assert.Equal(Math.Min((ulong)run.commit, log.LastIndex), log.Committed);
            Assert.Equal(0UL, log.Applied);
        }).Check(Runs);
    }

    [Fact]
    public void Recovery_rejects_a_log_with_a_hole()
    {
        var entries = new List<Entry> { new() { Index = 1, Term = 1 }, new() { Index = 3, Term = 1 } };
        Assert.Throws<InvalidDataException>(() => new RaftLog(entries, 0));
    }

    /// <summary>Raft §5.3/§5.4: a committed entry is never overwritten; the attempt fails loudly and changes nothing.</summary>
    [Fact]
    public void Conflict_with_a_committed_entry_throws_and_leaves_the_log_intact()
    {
        var arb = (from terms in TermsGen.Where(t => t.Length > 0)
                   from commitPick in Gen.Choose(0, 1000)
                   from conflictPick in Gen.Choose(0, 1000)
                   select (terms, commitPick, conflictPick)).ToArbitrary();
        Prop.ForAll(arb, run =>
        {
            var commit = (ulong)(run.commitPick % run.terms.Length) + 1;
            var log = LogOf(run.terms, commit);
            var at = (ulong)(run.conflictPick % (int)commit) + 1;
            var entries = new List<Entry>();
            for (var i = at; i <= commit; i++) entries.Add(new Entry { Index = i, Term = i == commit ? log.Term(i) + 1 : log.Term(i) });
            Assert.Throws<InvalidOperationException>(() => log.AppendVerified(at - 1, entries, truncateOnConflict: true));
            Assert.Equal(run.terms, Enumerable.Range(1, (int)log.LastIndex).Select(i => log.Term((ulong)i)));
            Assert.False(log.HasUnpersisted);
        }).Check(Runs);
    }

    [Fact]
    public void Slice_respects_entry_and_byte_maxima_and_always_makes_progress()
    {
        var arb = (from sizes in Gen.Choose(1, 20).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 50), n))
                   from lo in Gen.Choose(1, 25)
                   from bytesMax in Gen.Choose(1, 120)
                   from countMax in Gen.Choose(1, 6)
                   select (sizes, lo, bytesMax, countMax)).ToArbitrary();
        Prop.ForAll(arb, run =>
        {
            var log = new RaftLog(run.sizes.Select((s, i) => new Entry { Index = (ulong)i + 1, Term = 1, Data = ByteString.CopyFrom(new byte[s]) }).ToList(), 0);
            var slice = log.Slice((ulong)run.lo, log.LastIndex, run.bytesMax, run.countMax);
            if ((ulong)run.lo > log.LastIndex) { Assert.Empty(slice); return; }
            Assert.NotEmpty(slice);
            Assert.True(slice.Count <= run.countMax);
            Assert.True(slice.Count == 1 || slice.Sum(e => e.Data.Length) <= run.bytesMax);
            Assert.Equal(Enumerable.Range(run.lo, slice.Count).Select(i => (ulong)i), slice.Select(e => e.Index));
            // Maximal: the next entry would break a limit, or there is none.
            var next = (ulong)run.lo + (ulong)slice.Count;
            if (next <= log.LastIndex && slice.Count < run.countMax)
                Assert.True(slice.Sum(e => e.Data.Length) + log.At(next).Data.Length > run.bytesMax);
        }).Check(Runs);
    }

    /// <summary>Raft §5.4.1: compare last terms first, then lengths.</summary>
    [Fact]
    public void IsUpToDate_compares_last_term_then_last_index()
    {
        var arb = (from terms in TermsGen from idx in Gen.Choose(0, 15) from term in Gen.Choose(0, 30) select (terms, idx, term)).ToArbitrary();
        Prop.ForAll(arb, run =>
        {
            var log = LogOf(run.terms);
            var (index, term) = ((ulong)run.idx, (ulong)run.term);
            var expected = term != log.LastTerm ? term > log.LastTerm : index >= log.LastIndex;
            Assert.Equal(expected, log.IsUpToDate(index, term));
        }).Check(Runs);
    }

    /// <summary>A completion for an entry that was since rewritten must not mark the new entry durable.</summary>
    [Fact]
    public void Completion_of_a_superseded_write_does_not_advance_Stable()
    {
        var log = new RaftLog(Array.Empty<Entry>(), 0);
        for (ulong i = 1; i <= 3; i++) log.Append(new Entry { Index = i, Term = 1 });
        var first = log.TakeUnpersisted();
        log.AppendVerified(1, new List<Entry> { new() { Index = 2, Term = 2 }, new() { Index = 3, Term = 2 } }, truncateOnConflict: true);
        var second = log.TakeUnpersisted();
        Assert.Equal(new ulong[] { 2, 3 }, second.Select(e => e.Index));
        log.StableTo(first[^1].Index, first[^1].Term);
        Assert.Equal(0UL, log.Stable);
        log.StableTo(second[^1].Index, second[^1].Term);
        Assert.Equal(3UL, log.Stable);
    }
}
