using Cairn.Host.Api.Wire;
using Cairn.Host.Config;
using Grpc.Core;

namespace Cairn.Host.Api;

/// <summary>etcdserverpb.Cluster: MemberList with each member's peer and client URLs (client URLs of
/// other members are learnt from their peer handshakes). Membership changes arrive with the membership
/// issue; until then they answer gRPC Unimplemented.</summary>
internal sealed class ClusterService(NodeCalls calls) : Wire.Cluster.ClusterBase
{
    public override Task<MemberListResponse> MemberList(MemberListRequest request, ServerCallContext context)
    {
        // etcd's ClusterServer header carries cluster id, member id and term, but no revision.
        var response = new MemberListResponse { Header = calls.Stamp(null) };
        response.Members.AddRange(Members(calls));
        return Task.FromResult(response);
    }

    public override Task<MemberAddResponse> MemberAdd(MemberAddRequest request, ServerCallContext context) =>
        throw EtcdErrors.Unimplemented("member add");

    public override Task<MemberRemoveResponse> MemberRemove(MemberRemoveRequest request, ServerCallContext context) =>
        throw EtcdErrors.Unimplemented("member remove");

    public override Task<MemberUpdateResponse> MemberUpdate(MemberUpdateRequest request, ServerCallContext context) =>
        throw EtcdErrors.Unimplemented("member update");

    public override Task<MemberPromoteResponse> MemberPromote(MemberPromoteRequest request, ServerCallContext context) =>
        throw EtcdErrors.Unimplemented("member promote");

    internal static IEnumerable<Member> Members(NodeCalls calls)
    {
        IReadOnlyDictionary<ulong, string> clientUrls = calls.Node.Peers.ClientUrls;
        foreach (MemberInfo info in calls.Node.Settings.Layout.Members)
        {
            var member = new Member { ID = info.Id, Name = info.Name };
            member.PeerURLs.AddRange(info.PeerUrls.Select(u => u.ToString().TrimEnd('/')));
            if (clientUrls.TryGetValue(info.Id, out string? urls))
            {
                member.ClientURLs.AddRange(urls.Split(',', StringSplitOptions.RemoveEmptyEntries));
            }
            yield return member;
        }
    }
}
