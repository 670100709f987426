using Cairn.Core.Kv.Service;
using Google.Protobuf;
using Wire = Cairn.Core.Kv.Wire;

namespace Cairn.Simulation.Workloads.Kv;

/// <summary>What a KV operation is for: the client's bookkeeping after it completes.</summary>
internal enum KvOperationKind
{
    Read,
    SerializableRead,
    Write,
    RegisterSession,
    LeaseGrant,
    LeasePut,
    LeaseKeepAlive,
    LeaseRevoke,
    Compact,
}

/// <summary>One client operation: the etcd request sent (again, on retries) and, for operations the
/// linearizability checker sees, its form in the client history.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Request">The etcd wire request.</param>
/// <param name="History">The history form, or null when it is not recorded (serializable reads, leases, sessions).</param>
internal sealed record KvOperation(KvOperationKind Kind, IMessage Request, Cairn.Simulation.History.KvRequest? History)
{
    /// <summary>True when the request goes through the log and carries a session stamp.</summary>
    public bool Proposed => Kind is KvOperationKind.Write or KvOperationKind.LeaseGrant or KvOperationKind.LeasePut
        or KvOperationKind.LeaseRevoke or KvOperationKind.RegisterSession or KvOperationKind.Compact;

    /// <summary>Hands the request to a node's KV service.</summary>
    public void SendTo(KvNode node, ulong requestId, SessionStamp session)
    {
        switch (Request)
        {
            case Wire.RangeRequest r: node.Range(requestId, r); break;
            case Wire.PutRequest p: node.Put(requestId, p, session); break;
            case Wire.DeleteRangeRequest d: node.DeleteRange(requestId, d, session); break;
            case Wire.TxnRequest t: node.Txn(requestId, t, session); break;
            case Wire.LeaseGrantRequest g: node.LeaseGrant(requestId, g, session); break;
            case Wire.LeaseRevokeRequest v: node.LeaseRevoke(requestId, v, session); break;
            case Wire.LeaseKeepAliveRequest k: node.LeaseKeepAlive(requestId, k); break;
            case Wire.RegisterSessionRequest: node.RegisterSession(requestId); break;
            case Wire.CompactionRequest c: node.Compact(requestId, c, session); break;
            default: throw new InvalidOperationException($"no service call for {Request.Descriptor.Name}");
        }
    }
}
