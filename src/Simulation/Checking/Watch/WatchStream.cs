using Cairn.Core.Kv.Wire;
using Google.Protobuf;

namespace Cairn.Simulation.Checking.Watch;

/// <summary>
/// What one client saw of one logical watch: a key range with prev_kv, started at
/// <see cref="StartRevision"/>, possibly carried by several server watchers in turn (each re-created
/// on some node with start_revision = last seen + 1). Its events, concatenated, must be exactly the
/// committed events of the range from <see cref="StartRevision"/> on, in order, up to some revision.
/// </summary>
/// <param name="Client">The watch client.</param>
/// <param name="Key">The range start.</param>
/// <param name="RangeEnd">The range end (etcd rules: empty = one key, "\0" = unbounded).</param>
public sealed class WatchStream(int Client, ByteString Key, ByteString RangeEnd)
{
    /// <summary>The watch client.</summary>
    public int Client { get; } = Client;

    /// <summary>The range start.</summary>
    public ByteString Key { get; } = Key;

    /// <summary>The range end.</summary>
    public ByteString RangeEnd { get; } = RangeEnd;

    /// <summary>The first revision of the stream (from the first "created" response); 0 while unknown.</summary>
    public long StartRevision { get; set; }

    /// <summary>The next revision the client expects: where a re-created watcher must start (0 = unknown).</summary>
    public long NextRevision { get; set; }

    /// <summary>Events received, in order, with the header revision of their response.</summary>
    public List<(long Revision, Event Event)> Events { get; } = new();

    /// <summary>Server watchers that carried the stream.</summary>
    public int Watchers { get; set; }

    /// <summary>True when the stream ended because its history was compacted away.</summary>
    public bool Compacted { get; set; }
}
