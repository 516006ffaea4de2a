using System.Text.Json;
using System.Text.Json.Nodes;
using Sandbox.Elasticsearch.State;

namespace Sandbox.Elasticsearch.Rest;

/// <summary>
/// The native realm's users: PUT/POST, GET and DELETE _security/user/{username}, _password, _enable and _disable
/// (RestPutUserAction, PutUserRequestBuilder, TransportPutUserAction, NativeUsersStore).
/// </summary>
public static partial class RestApi
{
    /// <summary>The reserved realm's users, which the native user API may not create or delete.</summary>
    private static readonly string[] ReservedUsers =
        ["elastic", "kibana", "kibana_system", "logstash_system", "beats_system", "apm_system", "remote_monitoring_user"];

    private static readonly string[] UserFields = ["username", "password", "password_hash", "roles", "full_name", "email", "metadata", "enabled"];

    /// <summary>Validation.Users.validateUsername's message.</summary>
    private const string InvalidUsername =
        "Valid usernames must be at least 1 and no more than 507 characters. They can contain alphanumeric characters (a-z, A-Z, 0-9), " +
        "spaces, punctuation, and printable symbols in the Basic Latin (ASCII) block. Leading or trailing whitespace is not allowed.";

    private static Task<RestResponse> PutUser(RestRequest request)
    {
        var username = request.Param("username");
        var body = request.RequireObjectBody();
        foreach (var field in body.Select(p => p.Key))
        {
            if (!UserFields.Contains(field))
            {
                throw new EsException(400, "parse_exception", $"failed to parse add user request. unexpected field [{field}]");
            }
        }

        var password = body["password"]?.GetValue<string>();
        if (password is not null)
        {
            ValidatePassword(password);
        }

        var problems = new List<string>();
        if (!IsValidUsername(username))
        {
            problems.Add(InvalidUsername);
        }

        var roles = body["roles"] as JsonArray;
        if (roles is null)
        {
            problems.Add("roles are missing");
        }

        var metadata = body["metadata"] as JsonObject ?? new JsonObject();
        if (metadata.Any(p => p.Key.StartsWith('_')))
        {
            problems.Add("metadata keys may not start with [_]");
        }

        if (ReservedUsers.Contains(username))
        {
            problems.Add($"user [{username}] is reserved and only the password can be changed");
        }

        if (problems.Count > 0)
        {
            throw EsException.Validation([.. problems]);
        }

        var users = request.Node.Cluster.State.Users;
        if (password is null && users.Find(username) is null)
        {
            throw new EsException(400, "validation_exception", "Validation Failed: 1: password must be specified unless you are updating an existing user;");
        }

        var created = users.Put(
            username,
            password,
            [.. roles!.Select(r => r!.GetValue<string>())],
            body["full_name"]?.GetValue<string>(),
            body["email"]?.GetValue<string>(),
            (JsonObject)metadata.DeepClone(),
            body["enabled"]?.GetValue<bool>() ?? true);
        return Done(new JsonObject { ["created"] = created });
    }

    private static Task<RestResponse> GetUsers(RestRequest request)
    {
        var state = request.Node.Cluster.State;
        var named = request.PathParameters.TryGetValue("username", out var list) ? list.Split(',') : null;
        var body = new JsonObject();
        if (named is null || named.Contains("elastic"))
        {
            body["elastic"] = UserJson("elastic", ["superuser"], null, null, new JsonObject { ["_reserved"] = true }, enabled: true);
        }

        foreach (var user in state.Users.All().Where(u => named is null || named.Contains(u.Username)))
        {
            body[user.Username] = UserJson(user.Username, user.Roles, user.FullName, user.Email, user.Metadata, user.Enabled);
        }

        return Done(body, body.Count == 0 && named is not null ? 404 : 200);
    }

    private static Task<RestResponse> DeleteUser(RestRequest request)
    {
        var username = request.Param("username");
        if (ReservedUsers.Contains(username))
        {
            throw EsException.Validation($"user [{username}] is reserved and cannot be deleted");
        }

        var found = request.Node.Cluster.State.Users.Delete(username);
        return Done(new JsonObject { ["found"] = found }, found ? 200 : 404);
    }

    /// <summary>
    /// PUT/POST _security/user[/{username}]/_password: any user may change its own password (RBACEngine's same-user
    /// check), anyone else needs manage_security. <c>elastic</c>'s is the reserved realm's.
    /// </summary>
    private static Task<RestResponse> ChangePassword(RestRequest request)
    {
        var username = request.PathParameters.GetValueOrDefault("username") ?? request.Principal.Username;
        if (username != request.Principal.Username || request.Principal.IsApiKey)
        {
            ClusterAction.Security("cluster:admin/xpack/security/user/change_password").Authorize(request.Principal);
        }

        var body = request.RequireObjectBody();
        var password = body["password"]?.GetValue<string>()
            ?? throw EsException.Validation("password must be specified");
        ValidatePassword(password);
        var state = request.Node.Cluster.State;
        if (username == "elastic")
        {
            state.ElasticPassword = password;
        }
        else if (!state.Users.SetPassword(username, password))
        {
            throw new EsException(400, "validation_exception", "Validation Failed: 1: user must exist in order to change password;");
        }

        return Done(new JsonObject());
    }

    private static Task<RestResponse> EnableUser(RestRequest request) => SetUserEnabled(request, enabled: true);

    private static Task<RestResponse> DisableUser(RestRequest request) => SetUserEnabled(request, enabled: false);

    private static Task<RestResponse> SetUserEnabled(RestRequest request, bool enabled)
    {
        var username = request.Param("username");
        if (!enabled && username == request.Principal.Username)
        {
            throw EsException.Validation("users may not update the enabled status of their own account");
        }

        if (!request.Node.Cluster.State.Users.SetEnabled(username, enabled))
        {
            throw new EsException(404, "resource_not_found_exception", $"user [{username}] not found");
        }

        return Done(new JsonObject());
    }

    private static JsonObject UserJson(string username, IReadOnlyList<string> roles, string? fullName, string? email, JsonObject metadata, bool enabled) => new()
    {
        ["username"] = username,
        ["roles"] = new JsonArray([.. roles.Select(r => (JsonNode)r)]),
        ["full_name"] = fullName,
        ["email"] = email,
        ["metadata"] = metadata.DeepClone(),
        ["enabled"] = enabled,
    };

    /// <summary>Validation.Users.validatePassword, applied while the request is built (a ValidationException).</summary>
    private static void ValidatePassword(string password)
    {
        if (password.Length < 6)
        {
            throw new EsException(400, "validation_exception", "Validation Failed: 1: passwords must be at least [6] characters long;");
        }
    }

    private static bool IsValidUsername(string username) =>
        username.Length is >= 1 and <= 507 && username == username.Trim() && username.All(c => c is >= ' ' and <= '~');
}
