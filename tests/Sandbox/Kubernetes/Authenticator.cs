namespace Sandbox.Kubernetes;

/// <summary>Who a request comes from: bearer tokens for an admin user and a read-only user (get, list, watch only).</summary>
public sealed class Authenticator(string adminToken, string readOnlyToken)
{
    public const string AdminUser = "sandbox-admin";
    public const string ReadOnlyUser = "sandbox-readonly";

    public string AdminToken { get; } = adminToken;

    public string ReadOnlyToken { get; } = readOnlyToken;

    /// <summary>The user name for the Authorization header, or null (401).</summary>
    public string? Authenticate(string? authorization)
    {
        const string prefix = "Bearer ";
        if (authorization is null || !authorization.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = authorization[prefix.Length..].Trim();
        return token == AdminToken ? AdminUser : token == ReadOnlyToken ? ReadOnlyUser : null;
    }

    public static bool MayPerform(string user, string verb) =>
        user == AdminUser || verb is "get" or "list" or "watch";
}
