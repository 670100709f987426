using Cairn.Core.Raft;
using Cairn.Core.Raft.Wire;
using Cairn.Core.Wire;

namespace Cairn.Simulation.Checking;

/// <summary>
/// Snapshot transfers, checked from the messages nodes send (never from the sender's own bookkeeping):
/// <list type="bullet">
/// <item><c>SnapshotIntegrity</c>: a follower installs a snapshot only if its bytes are, exactly, a snapshot some leader
/// announced at that index (length and CRC-32C carried by the chunks).</item>
/// <item><c>SnapshotWindow</c>: a leader never sends a chunk that ends more than
/// <see cref="RaftOptions.SnapshotChunksInFlightMax"/> chunks past the furthest offset the follower ever reported
/// for that snapshot (receipts, rejections, heartbeat answers). The furthest report bounds whatever the leader
/// knew, so the check never blames a correct leader.</item>
/// </list>
/// Both tables are keyed by integers and only looked up, never iterated, so their order cannot leak.
/// </summary>
internal sealed class SnapshotTransferChecker(ViolationLog violations)
{
    /// <summary>Most distinct announcements remembered per snapshot index (different leaders' snapshots at one index).</summary>
    public const int AnnouncementsPerIndexMax = 16;

    private readonly Dictionary<ulong, List<(ulong Length, uint Crc)>> _announced = new();
    private readonly Dictionary<(ulong Leader, ulong Follower, ulong Index), ulong> _reported = new();
    private bool _windowReported;

    /// <summary>A message left <paramref name="node"/>; <paramref name="options"/> are the sender's.</summary>
    public void OnSent(ulong node, Message m, RaftOptions options)
    {
        switch (m.Type)
        {
            case MessageType.MsgSnapshotResponse:
            case MessageType.MsgHeartbeatResponse when m.Index != 0:
                var key = (m.To, node, m.Index);
                _reported[key] = Math.Max(_reported.GetValueOrDefault(key), m.SnapshotOffset);
                break;
            case MessageType.MsgSnapshot:
                Announce(m);
                CheckWindow(node, m, options);
                break;
        }
    }

    private void Announce(Message m)
    {
        if (!_announced.TryGetValue(m.Index, out var list)) _announced[m.Index] = list = new();
        var announcement = (m.SnapshotLength, m.SnapshotCrc);
        if (!list.Contains(announcement) && list.Count < AnnouncementsPerIndexMax) list.Add(announcement);
    }

    private void CheckWindow(ulong leader, Message m, RaftOptions options)
    {
        var known = _reported.GetValueOrDefault((leader, m.To, m.Index));
        var limit = known + (ulong)options.SnapshotChunksInFlightMax * (ulong)options.SnapshotChunkBytesMax;
        var end = m.SnapshotOffset + (ulong)m.SnapshotData.Length;
        if (end <= limit || _windowReported) return;
        _windowReported = true; // once: an overrunning leader sends hundreds of chunks within one event
        violations.Report("SnapshotWindow", $"leader {leader} sent follower {m.To} snapshot {m.Index} bytes up to {end}, "
                + $"past its window: the follower never reported beyond {known}, and {options.SnapshotChunksInFlightMax} chunks of "
                + $"{options.SnapshotChunkBytesMax} bytes may be in flight", (int)leader, (int)m.To);
    }

    /// <summary>A follower's Ready installs <paramref name="snapshot"/> (a leader's snapshot, <c>replace_log</c>).</summary>
    public void OnInstall(ulong node, SnapshotRecord snapshot)
    {
        // A snapshot kept in a file carries the length and CRC-32C of the bytes written to it (the store checks the
        // file against them when it is opened); an inline one is measured here.
        var inline = snapshot.File.Length == 0;
        var length = inline ? (ulong)snapshot.Data.Length : snapshot.Length;
        var crc = inline ? Crc32C.Compute(snapshot.Data.Span) : snapshot.Crc;
        if (_announced.TryGetValue(snapshot.Index, out var list) && list.Contains((length, crc))) return;
        var what = list is null ? "no leader announced one at that index" : $"leaders announced {string.Join(", ", list.Select(a => $"{a.Length} bytes crc {a.Crc:x8}"))}";
        violations.Report("SnapshotIntegrity", $"node {node} installs snapshot {snapshot.Index} of {length} bytes with crc {crc:x8}; {what}", (int)node);
    }
}
