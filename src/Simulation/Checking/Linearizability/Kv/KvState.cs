namespace Cairn.Simulation.Checking.Linearizability.Kv;

/// <summary>
/// The state of one partition of the store: its live keys sorted ordinally (an array never
/// mutated after construction) and the revision floor, a lower bound on the store revision at this
/// point of the linearization. The next write must take a revision above the floor; a read's
/// header revision must be at least the floor. It also holds the partition's writes so far (for
/// reads at a past revision) and the compaction revision.
/// </summary>
public readonly struct KvState : IEquatable<KvState>
{
    private readonly int hash;

    internal KvState(KeyRecord[] keys, long revisionFloor, WriteLog? log, long compactRevision)
    {
        Keys = keys;
        RevisionFloor = revisionFloor;
        Log = log;
        CompactRevision = compactRevision;
        var h = new HashCode();
        h.Add(revisionFloor);
        h.Add(compactRevision);
        h.Add(log?.Hash ?? 0);
        foreach (KeyRecord r in keys)
        {
            h.Add(r);
        }

        hash = h.ToHashCode();
    }

    /// <summary>The lower bound on the store revision.</summary>
    public long RevisionFloor { get; }

    /// <summary>The revision of the newest compaction (0 = none): a read below it fails with "compacted".</summary>
    public long CompactRevision { get; }

    /// <summary>The number of live keys in the partition.</summary>
    public int KeyCount => Keys.Length;

    internal KeyRecord[] Keys { get; }

    internal WriteLog? Log { get; }

    /// <inheritdoc />
    public bool Equals(KvState other)
    {
        if (hash != other.hash || RevisionFloor != other.RevisionFloor || CompactRevision != other.CompactRevision ||
            Keys.Length != other.Keys.Length)
        {
            return false;
        }

        return (ReferenceEquals(Keys, other.Keys) || Keys.AsSpan().SequenceEqual(other.Keys)) && WriteLog.Same(Log, other.Log);
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is KvState other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => hash;

    /// <inheritdoc />
    public override string ToString() =>
        $"floor={RevisionFloor} compact={CompactRevision} " + string.Join(", ", Keys.Select(k => $"{k.Key}={k.Value}@{k.ModRevision}/v{k.Version}"));
}
