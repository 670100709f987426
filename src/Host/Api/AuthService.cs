using Cairn.Host.Api.Wire;
using Grpc.Core;

namespace Cairn.Host.Api;

/// <summary>etcdserverpb.Auth: authentication is not supported yet; status says disabled and the rest
/// answers etcd's "authentication is not enabled".</summary>
internal sealed class AuthService(NodeCalls calls) : Wire.Auth.AuthBase
{
    public override Task<AuthStatusResponse> AuthStatus(AuthStatusRequest request, ServerCallContext context) =>
        Task.FromResult(new AuthStatusResponse { Header = calls.Header(), Enabled = false });

    public override Task<AuthenticateResponse> Authenticate(AuthenticateRequest request, ServerCallContext context) =>
        throw EtcdErrors.AuthNotEnabled;

    public override Task<AuthEnableResponse> AuthEnable(AuthEnableRequest request, ServerCallContext context) =>
        throw EtcdErrors.Unimplemented("auth enable");

    public override Task<AuthDisableResponse> AuthDisable(AuthDisableRequest request, ServerCallContext context) =>
        Task.FromResult(new AuthDisableResponse { Header = calls.Header() });
}
