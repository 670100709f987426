using System.Security.Cryptography;
using Cairn.Core.Kv.Wire;
using Cairn.Core.Raft;
using Cairn.Core.Wire;
using Cairn.Host.Api.Wire;
using Google.Protobuf;
using Grpc.Core;

namespace Cairn.Host.Api;

/// <summary>etcdserverpb.Maintenance: Status, Hash, HashKV, Alarm, Defragment, Snapshot; MoveLeader and
/// Downgrade answer Unimplemented until leader transfer and versioning exist.</summary>
internal sealed class MaintenanceService(NodeCalls calls) : Maintenance.MaintenanceBase
{
    /// <summary>Bytes of snapshot blob per stream message (etcd: 32 KiB).</summary>
    public const int SnapshotChunkBytes = 32 * 1024;

    /// <summary>etcd Status; dbSize and dbSizeInUse are the KV store's (<see cref="Node.NodeHost.KvFileName"/>),
    /// the errors list the replicated alarms.</summary>
    public override async Task<StatusResponse> Status(StatusRequest request, ServerCallContext context)
    {
        var node = calls.Node;
        StatusResponse response = await calls.Ask(() =>
        {
            RaftNode raft = node.Kv.Runtime.Raft;
            var status = new StatusResponse
            {
                Header = calls.Stamp(new ResponseHeader { Revision = node.Kv.StateMachine.Revision }),
                Version = Config.ServerSettings.Version,
                Leader = raft.Leader,
                RaftIndex = raft.CommitIndex,
                RaftTerm = raft.Term,
                RaftAppliedIndex = Math.Max(raft.AppliedIndex, node.Kv.StateMachine.AppliedIndex), // etcd: every applied entry, empty and conf entries too
                DbSize = node.StoreSizeBytes,
                DbSizeInUse = node.StoreSizeInUseBytes,
            };
            status.Errors.AddRange(node.Kv.StateMachine.Alarms().Select(a => $"memberID:{a.MemberID} alarm:{a.Alarm.ToString().ToUpperInvariant()} "));
            return status;
        }).ConfigureAwait(false);
        response.DbSizeQuota = node.Kv.StateMachine.Options.QuotaBackendBytes;
        response.StorageVersion = Config.ServerSettings.Version[..3] + ".0";
        if (node.CurrentLeader == 0)
        {
            response.Errors.Add("etcdserver: no leader");
        }
        return response;
    }

    public override async Task<HashKVResponse> HashKV(HashKVRequest request, ServerCallContext context)
    {
        var node = calls.Node;
        // The store view is opened on the loop; the hash is computed off it (a large store takes seconds).
        Func<Core.Kv.KvHash> prepared = await calls.Ask(() => node.Kv.StateMachine.PrepareHashKv(request.Revision)).ConfigureAwait(false);
        Core.Kv.KvHash hash = await Task.Run(prepared).ConfigureAwait(false);
        if (hash.Error is not null)
        {
            throw EtcdErrors.For(hash.Error);
        }
        // etcd: compact_revision is -1 until the first compaction
        return new HashKVResponse
        {
            Header = calls.Header(), Hash = hash.Hash, CompactRevision = hash.CompactRevision > 0 ? hash.CompactRevision : -1,
            HashRevision = hash.Revision,
        };
    }

    public override async Task<HashResponse> Hash(HashRequest request, ServerCallContext context)
    {
        var node = calls.Node;
        // The CRC-32C of the state machine's snapshot, streamed: nothing holds the whole state.
        uint hash = await calls.Ask(() =>
        {
            using var crc = new Crc32CStream();
            node.Kv.StateMachine.WriteSnapshot(crc);
            return crc.Crc;
        }).ConfigureAwait(false);
        return new HashResponse { Header = calls.Header(), Hash = hash };
    }

    /// <summary>etcd Alarm: get, activate and deactivate go through the log (the Core's replicated alarms), so
    /// every member reports the same alarms. The member id is taken as given, 0 included, as etcd's alarm store
    /// does (python-etcd3's create_alarm() raises member 0's alarm and lists it as such).</summary>
    public override async Task<AlarmResponse> Alarm(AlarmRequest request, ServerCallContext context)
    {
        KvResult result = await calls.Call(request, (kv, id) => kv.Alarm(id, request), context).ConfigureAwait(false);
        result.Alarm.Header = calls.Stamp(result.Alarm.Header);
        return result.Alarm;
    }

    /// <summary>etcd Defragment: the KV store and the log database give the space compaction freed back
    /// (see <see cref="Node.NodeHost.Defragment"/>).</summary>
    /// <remarks>The JSON gateway calls it without a call context.</remarks>
    public override async Task<DefragmentResponse> Defragment(DefragmentRequest request, ServerCallContext context)
    {
        try
        {
            await calls.Node.Defragment(context?.CancellationToken ?? default).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw EtcdErrors.Timeout;
        }
        catch (Node.LoopBusyException)
        {
            throw EtcdErrors.TooManyRequests;
        }
        return new DefragmentResponse { Header = calls.Header() };
    }

    /// <summary>etcd's snapshot: the KV store's committed state, read in one SQLite read transaction off the
    /// loop, as a bbolt file in etcd 3.4's layout followed by its SHA-256 (<see cref="Cairn.Host.Snapshot.SnapshotStream"/>),
    /// in 32 KiB chunks; <c>etcdctl snapshot status</c> and <c>snapshot restore</c> read it.</summary>
    public override async Task Snapshot(SnapshotRequest request, IServerStreamWriter<SnapshotResponse> responseStream, ServerCallContext context)
    {
        var node = calls.Node;
        await CommitAppliedBatch(context.CancellationToken).ConfigureAwait(false);
        string store = Path.Combine(node.Settings.MemberDir, Node.NodeHost.KvFileName);
        using var snapshot = await Task.Run(() => Cairn.Host.Snapshot.SnapshotStream.Create(store, node.Settings.MemberDir, node.Settings.Layout.Members),
            context.CancellationToken).ConfigureAwait(false);
        ResponseHeader header = calls.Stamp(new ResponseHeader { Revision = snapshot.Revision });
        long remaining = snapshot.TotalBytes;
        bool first = true;
        await foreach (ReadOnlyMemory<byte> blob in snapshot.Chunks(SnapshotChunkBytes, context.CancellationToken).ConfigureAwait(false))
        {
            remaining -= blob.Length;
            var chunk = new SnapshotResponse { RemainingBytes = (ulong)remaining, Blob = ByteString.CopyFrom(blob.Span) };
            if (first)
            {
                chunk.Header = header;
                chunk.Version = Config.ServerSettings.Version;
                first = false;
            }
            await responseStream.WriteAsync(chunk, context.CancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Heartbeats a snapshot waits for the applied entries to become durable in the log.</summary>
    public const int SnapshotCommitWaitsMax = 50;

    /// <summary>etcd's ForceCommit before a snapshot: commits the store's open apply batch, so the snapshot
    /// holds everything applied so far. The batch may be committed only once the log covers it (the store is
    /// never ahead of the log); after <see cref="SnapshotCommitWaitsMax"/> heartbeats the snapshot takes the
    /// last committed batch instead, which is consistent too.</summary>
    private async Task CommitAppliedBatch(CancellationToken cancel)
    {
        var node = calls.Node;
        for (int wait = 0; wait < SnapshotCommitWaitsMax; wait++)
        {
            bool committed = await calls.Ask(() =>
            {
                RaftNode raft = node.Kv.Runtime.Raft;
                if (raft.AppliedIndex > raft.StableIndex) return false;
                node.Kv.StateMachine.PersistApplied();
                return true;
            }).ConfigureAwait(false);
            if (committed) return;
            await Task.Delay(node.Settings.Flags.HeartbeatIntervalMs, cancel).ConfigureAwait(false);
        }
    }

    /// <summary>etcd MoveLeader: the leader hands leadership to the target (Raft thesis §3.10, in Core);
    /// answered once this member sees the target lead, or etcd's leader-transfer timeout.</summary>
    public override async Task<MoveLeaderResponse> MoveLeader(MoveLeaderRequest request, ServerCallContext context)
    {
        var node = calls.Node;
        string? refusal = await calls.Ask(() => node.Kv.MoveLeader(request.TargetID)).ConfigureAwait(false);
        if (refusal is not null)
        {
            throw refusal == Core.Kv.Service.KvNode.BadLeaderTransfereeError ? EtcdErrors.BadLeaderTransferee : EtcdErrors.NotLeader;
        }
        var deadline = DateTime.UtcNow.AddMilliseconds(2 * node.Settings.Flags.ElectionTimeoutMs);
        while (node.CurrentLeader != request.TargetID)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw EtcdErrors.LeaderTransferTimeout;
            }
            await Task.Delay(node.Settings.Flags.HeartbeatIntervalMs / 2 + 1, context.CancellationToken).ConfigureAwait(false);
        }
        return new MoveLeaderResponse { Header = calls.Header() };
    }

    public override Task<DowngradeResponse> Downgrade(DowngradeRequest request, ServerCallContext context) =>
        throw EtcdErrors.Unimplemented("downgrade");
}
