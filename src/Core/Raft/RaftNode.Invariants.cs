namespace Cairn.Core.Raft;

public sealed partial class RaftNode
{
    /// <summary>
    /// The largest term a message may carry. Terms grow by one per election, so 2^48 is beyond any
    /// plausible history (one election a millisecond for 8,900 years); a message above it is corrupt or
    /// hostile, is refused and counted in <see cref="AbsurdTermsRefused"/>, and our term can never wrap.
    /// </summary>
    public const ulong TermMax = 1UL << 48;

    /// <summary>Messages refused because their term exceeded <see cref="TermMax"/>.</summary>
    public long AbsurdTermsRefused { get; private set; }

    /// <summary>Refuses (and counts) a message whose term or entry terms no honest peer could have reached.</summary>
    private bool TermPlausible(Wire.Message m)
    {
        if (m.Term <= TermMax && m.LogTerm <= TermMax) return true;
        AbsurdTermsRefused++;
        return false;
    }

    /// <summary>
    /// The watermarks every output must respect: applied ≤ commit ≤ last index, the snapshot at or below
    /// the commit index, and for a leader, every follower's Match &lt; Next ≤ LastIndex + 1. Checked on every
    /// Ready, so a broken state never reaches the disk or the network.
    /// </summary>
    private void CheckWatermarks()
    {
        Invariant.Holds(_log.Applied <= _log.Committed || _bugs.CommitIndexRegresses, "applied {0} at or below commit {1}", _log.Applied, _log.Committed);
        Invariant.Holds(_log.Committed <= _log.LastIndex, "commit {0} at or below the last index {1}", _log.Committed, _log.LastIndex);
        Invariant.Holds(_log.SnapshotIndex <= _log.Committed, "snapshot index {0} at or below the commit index {1}", _log.SnapshotIndex, _log.Committed);
        Invariant.Holds(Term <= TermMax, "term {0} at or below TermMax", Term);
        if (Role != RaftRole.Leader || _bugs.BreaksSafety) return;
        foreach (var peer in _options.Peers)
        {
            if (peer == Id) continue;
            var pr = _progress[peer];
            Invariant.Holds(pr.Match < pr.Next && pr.Next <= _log.LastIndex + 1,
                "progress Match < Next <= LastIndex + 1: match {0}, next {1}, last {2}", pr.Match, pr.Next, _log.LastIndex);
        }
    }

    /// <summary>Terms only grow: the hard state handed to storage never goes back in term (Raft §5.1).</summary>
    private void CheckHardStateMonotonic(Wire.HardState next)
    {
        Invariant.Holds(next.Term >= _handedOutHardState.Term, "terms only grow: hard state term {0} after {1}", next.Term, _handedOutHardState.Term);
        Invariant.Holds(next.Commit >= _handedOutHardState.Commit || _bugs.CommitIndexRegresses,
            "the persisted commit index only grows: {0} after {1}", next.Commit, _handedOutHardState.Commit);
    }
}
