namespace Cairn.Core.Raft;

/// <summary>The role a Raft node plays in its current term (Raft §5.1).</summary>
public enum RaftRole
{
    /// <summary>Passive: answers leaders and candidates.</summary>
    Follower,
    /// <summary>Campaigning for votes in its current term.</summary>
    Candidate,
    /// <summary>Replicates its log and decides commitment for its term.</summary>
    Leader,
}
