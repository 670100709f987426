using Cairn.Core.Kv.Service;
using Cairn.Core.Kv.Wire;
using Grpc.Core;

namespace Cairn.Host.Api;

/// <summary>
/// etcd's server errors (api/v3rpc/rpctypes), byte for byte: clients match on the status code and the
/// message. Every Core outcome is mapped to one of them here, in one table.
/// </summary>
internal static class EtcdErrors
{
    public static RpcException EmptyKey => Make(StatusCode.InvalidArgument, "etcdserver: key is not provided");
    public static RpcException KeyNotFound => Make(StatusCode.InvalidArgument, "etcdserver: key not found");
    public static RpcException ValueProvided => Make(StatusCode.InvalidArgument, "etcdserver: value is provided");
    public static RpcException LeaseProvided => Make(StatusCode.InvalidArgument, "etcdserver: lease is provided");
    public static RpcException TooManyOps => Make(StatusCode.InvalidArgument, "etcdserver: too many operations in txn request");
    public static RpcException DuplicateKey => Make(StatusCode.InvalidArgument, "etcdserver: duplicate key given in txn request");
    public static RpcException Compacted => Make(StatusCode.OutOfRange, "etcdserver: mvcc: required revision has been compacted");
    public static RpcException FutureRev => Make(StatusCode.OutOfRange, "etcdserver: mvcc: required revision is a future revision");
    public static RpcException NoSpace => Make(StatusCode.ResourceExhausted, "etcdserver: mvcc: database space exceeded");
    public static RpcException LeaseNotFound => Make(StatusCode.NotFound, "etcdserver: requested lease not found");
    public static RpcException LeaseExist => Make(StatusCode.FailedPrecondition, "etcdserver: lease already exists");
    public static RpcException LeaseTtlTooLarge => Make(StatusCode.OutOfRange, "etcdserver: too large lease TTL");
    public static RpcException RequestTooLarge => Make(StatusCode.InvalidArgument, "etcdserver: request is too large");
    public static RpcException TooManyRequests => Make(StatusCode.ResourceExhausted, "etcdserver: too many requests");
    public static RpcException RootUserNotExist => Make(StatusCode.FailedPrecondition, "etcdserver: root user does not exist");

    public static RpcException UserNotFound => Make(StatusCode.FailedPrecondition, "etcdserver: user name not found");

    public static RpcException RoleNotFound => Make(StatusCode.FailedPrecondition, "etcdserver: role name not found");

    public static RpcException AuthNotEnabled => Make(StatusCode.FailedPrecondition, "etcdserver: authentication is not enabled");
    public static RpcException NoLeader => Make(StatusCode.Unavailable, "etcdserver: no leader");
    public static RpcException NotLeader => Make(StatusCode.FailedPrecondition, "etcdserver: not leader");
    public static RpcException LeaderChanged => Make(StatusCode.Unavailable, "etcdserver: leader changed");
    public static RpcException Stopped => Make(StatusCode.Unavailable, "etcdserver: server stopped");
    public static RpcException Timeout => Make(StatusCode.Unavailable, "etcdserver: request timed out");
    public static RpcException Corrupt => Make(StatusCode.DataLoss, "etcdserver: corrupt cluster");
    public static RpcException BadLeaderTransferee => Make(StatusCode.FailedPrecondition, "etcdserver: bad leader transferee");
    public static RpcException LeaderTransferTimeout => Make(StatusCode.Unavailable, Core.Kv.Service.KvNode.LeaderTransferTimeoutError);
    public static RpcException MemberNotFound => Make(StatusCode.NotFound, "etcdserver: member not found");

    /// <summary>The "not supported yet" answer for membership changes and downgrades (gRPC Unimplemented).</summary>
    public static RpcException Unimplemented(string what) =>
        Make(StatusCode.Unimplemented, $"etcdserver: {what} is not supported by cairn yet");

    /// <summary>The etcd error for a Core KV error code (the state machine refused the request).</summary>
    public static RpcException For(KvError error) => error.Code switch
    {
        KvErrorCode.Compacted => Compacted,
        KvErrorCode.FutureRevision => FutureRev,
        KvErrorCode.DuplicateKeyInTxn => DuplicateKey,
        KvErrorCode.LeaseNotFound => LeaseNotFound,
        KvErrorCode.LeaseExists => LeaseExist,
        KvErrorCode.TooManyOps => TooManyOps,
        KvErrorCode.RequestTooLarge => RequestTooLarge,
        KvErrorCode.EmptyKey => EmptyKey,
        KvErrorCode.KeyNotFound => KeyNotFound,
        KvErrorCode.ValueProvided => ValueProvided,
        KvErrorCode.LeaseProvided => LeaseProvided,
        KvErrorCode.LeaseTtlTooLarge => LeaseTtlTooLarge,
        KvErrorCode.NotLeader => NotLeader,
        KvErrorCode.NoSpace => NoSpace,
        KvErrorCode.SessionExpired or KvErrorCode.StaleSequence => LeaderChanged,
        _ => Make(StatusCode.Internal, "etcdserver: " + error.Message),
    };

    /// <summary>The etcd error for a request the node did not answer with a result.</summary>
    public static RpcException For(KvReply reply) => reply.Status switch
    {
        KvReplyStatus.NotLeader => reply.LeaderHint == 0 ? NoLeader : NotLeader,
        KvReplyStatus.Dropped => LeaderChanged,
        KvReplyStatus.Rejected when reply.Error?.Contains("disk full", StringComparison.Ordinal) == true => NoSpace,
        KvReplyStatus.Rejected when reply.Error?.Contains("too large", StringComparison.OrdinalIgnoreCase) == true
            || reply.Error?.Contains("exceeds", StringComparison.OrdinalIgnoreCase) == true => RequestTooLarge,
        _ => TooManyRequests,
    };

    private static RpcException Make(StatusCode code, string message) => new(new Status(code, message), message);
}
