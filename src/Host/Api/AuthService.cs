using Cairn.Host.Api.Wire;
using Grpc.Core;

namespace Cairn.Host.Api;

/// <summary>etcdserverpb.Auth: authentication is not supported yet. Status says disabled, Authenticate answers etcd's
/// "authentication is not enabled", and as no user or role can exist, the user and role calls answer what etcd
/// answers over an empty auth store: empty lists, "user name not found", "role name not found", and enabling auth
/// "root user does not exist". Creating users or roles answers Unimplemented.</summary>
internal sealed class AuthService(NodeCalls calls) : Wire.Auth.AuthBase
{
    public override Task<AuthStatusResponse> AuthStatus(AuthStatusRequest request, ServerCallContext context) =>
        Task.FromResult(new AuthStatusResponse { Header = calls.Header(), Enabled = false });

    public override Task<AuthenticateResponse> Authenticate(AuthenticateRequest request, ServerCallContext context) =>
        throw EtcdErrors.AuthNotEnabled;

    public override Task<AuthEnableResponse> AuthEnable(AuthEnableRequest request, ServerCallContext context) =>
        throw EtcdErrors.RootUserNotExist; // etcd's answer while no root user exists, as in an empty auth store

    public override Task<AuthDisableResponse> AuthDisable(AuthDisableRequest request, ServerCallContext context) =>
        Task.FromResult(new AuthDisableResponse { Header = calls.Header() });

    public override Task<AuthUserAddResponse> UserAdd(AuthUserAddRequest request, ServerCallContext context) =>
        throw EtcdErrors.Unimplemented("user add");

    public override Task<AuthRoleAddResponse> RoleAdd(AuthRoleAddRequest request, ServerCallContext context) =>
        throw EtcdErrors.Unimplemented("role add");

    public override Task<AuthUserListResponse> UserList(AuthUserListRequest request, ServerCallContext context) =>
        Task.FromResult(new AuthUserListResponse { Header = calls.Header() });

    public override Task<AuthRoleListResponse> RoleList(AuthRoleListRequest request, ServerCallContext context) =>
        Task.FromResult(new AuthRoleListResponse { Header = calls.Header() });

    public override Task<AuthUserGetResponse> UserGet(AuthUserGetRequest request, ServerCallContext context) =>
        throw EtcdErrors.UserNotFound;

    public override Task<AuthUserDeleteResponse> UserDelete(AuthUserDeleteRequest request, ServerCallContext context) =>
        throw EtcdErrors.UserNotFound;

    public override Task<AuthUserChangePasswordResponse> UserChangePassword(AuthUserChangePasswordRequest request, ServerCallContext context) =>
        throw EtcdErrors.UserNotFound;

    public override Task<AuthUserGrantRoleResponse> UserGrantRole(AuthUserGrantRoleRequest request, ServerCallContext context) =>
        throw EtcdErrors.UserNotFound;

    public override Task<AuthUserRevokeRoleResponse> UserRevokeRole(AuthUserRevokeRoleRequest request, ServerCallContext context) =>
        throw EtcdErrors.UserNotFound;

    public override Task<AuthRoleGetResponse> RoleGet(AuthRoleGetRequest request, ServerCallContext context) =>
        throw EtcdErrors.RoleNotFound;

    public override Task<AuthRoleDeleteResponse> RoleDelete(AuthRoleDeleteRequest request, ServerCallContext context) =>
        throw EtcdErrors.RoleNotFound;

    public override Task<AuthRoleGrantPermissionResponse> RoleGrantPermission(AuthRoleGrantPermissionRequest request, ServerCallContext context) =>
        throw EtcdErrors.RoleNotFound;

    public override Task<AuthRoleRevokePermissionResponse> RoleRevokePermission(AuthRoleRevokePermissionRequest request, ServerCallContext context) =>
        throw EtcdErrors.RoleNotFound;
}
