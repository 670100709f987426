namespace Cairn.Core.Kv;

/// <summary>Limits of the <see cref="WatchHub"/> (local to a node).</summary>
public sealed record WatchOptions
{
    /// <summary>The default options.</summary>
    public static readonly WatchOptions Default = new();

    /// <summary>Most watchers registered at once; a create beyond it is refused.</summary>
    public int WatchersMax { get; init; } = 10_000;

    /// <summary>Most undrained responses queued for one watcher. A watcher at the limit stops
    /// receiving live events and is resynchronised from MVCC history once drained (etcd's
    /// "victim"/unsynced watchers), or canceled if that history has been compacted meanwhile.</summary>
    public int PendingResponsesMax { get; init; } = 1024;
}
