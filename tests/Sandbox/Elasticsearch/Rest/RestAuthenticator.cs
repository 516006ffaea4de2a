using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Sandbox.Elasticsearch.State;

namespace Sandbox.Elasticsearch.Rest;

/// <summary>
/// The authentication chain of a default secured node: Authorization: Basic (the reserved realm's <c>elastic</c>, then
/// the native realm's users) and Authorization: ApiKey. Failures are 401 security_exception with the WWW-Authenticate challenges Elasticsearch sends.
/// </summary>
public static class RestAuthenticator
{
    public static readonly string[] Challenges = ["Basic realm=\"security\", charset=\"UTF-8\"", "Bearer realm=\"security\"", "ApiKey"];

    public static Principal Authenticate(string? authorization, string requestUri, ClusterState state)
    {
        if (string.IsNullOrWhiteSpace(authorization))
        {
            throw Unauthenticated($"missing authentication credentials for REST request [{requestUri}]");
        }

        var space = authorization.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space < 0 ? authorization : authorization[..space];
        var value = space < 0 ? string.Empty : authorization[(space + 1)..].Trim();
        if (scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return Basic(value, requestUri, state);
        }

        if (scheme.Equals("ApiKey", StringComparison.OrdinalIgnoreCase))
        {
            return ApiKey(value, state);
        }

        throw Unauthenticated($"missing authentication credentials for REST request [{requestUri}]");
    }

    private static Principal Basic(string value, string requestUri, ClusterState state)
    {
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value));
        }
        catch (FormatException)
        {
            throw Unauthenticated($"missing authentication credentials for REST request [{requestUri}]");
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        var user = colon < 0 ? decoded : decoded[..colon];
        var password = colon < 0 ? string.Empty : decoded[(colon + 1)..];
        if (user == "elastic" && CryptographicOperations.FixedTimeEquals(
                Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(state.ElasticPassword)))
        {
            return Principal.Elastic;
        }

        // The native realm comes after the reserved one in the default chain; a disabled user does not authenticate.
        if (user != "elastic" && state.Users.Authenticate(user, password) is { } native)
        {
            return NativePrincipal(native, state);
        }

        throw Unauthenticated($"unable to authenticate user [{user}] for REST request [{requestUri}]");
    }

    private static Principal ApiKey(string value, ClusterState state)
    {
        var (id, key) = state.ApiKeys.Authenticate(value);
        string? problem = null;
        var now = DateTimeOffset.UtcNow;
        if (id is null)
        {
            problem = "API key: invalid ApiKey value";
        }
        else if (key is null)
        {
            problem = state.ApiKeys.Find(id) is null
                ? $"API key: unable to find apikey with id {id}"
                : $"API key: invalid credentials for API key [{id}]";
        }
        else if (key.Invalidated)
        {
            problem = $"API key: api key [{id}] has been invalidated";
        }
        else if (key.IsExpired(now))
        {
            problem = "API key: api key is expired";
        }
        else if (key.Type != "rest")
        {
            problem = $"API key: authentication expected API key type of [rest], but API key [{id}] has type [{key.Type}]";
        }

        if (problem is not null)
        {
            var failure = Unauthenticated(
                "unable to authenticate with provided credentials and anonymous access is not allowed for this request");
            failure.Extra!["additional_unsuccessful_credentials"] = problem;
            return Throw(failure);
        }

        // The key acts with its owner's privileges (limited by its role descriptors, see Principal.ClusterPrivileges).
        return key!.Realm == "default_native" && state.Users.Find(key.Username) is { } owner
            ? NativePrincipal(owner, state) with { ApiKey = key }
            : new Principal(key.Username, ["superuser"], key.Realm, key.Realm, key);
    }

    private static Principal Throw(EsException e) => throw e;

    /// <summary>A native user with its roles' descriptors as they are now (roles that do not exist grant nothing).</summary>
    public static Principal NativePrincipal(NativeUser user, ClusterState state)
    {
        var descriptors = user.Roles
            .Select(name => state.Roles.TryGetValue(name, out var role) ? role.Descriptor : null)
            .OfType<JsonObject>()
            .ToList();
        return new Principal(user.Username, user.Roles, "default_native", "native", null, descriptors);
    }

    public static EsException Unauthenticated(string reason)
    {
        var header = new JsonObject { ["WWW-Authenticate"] = new JsonArray([.. Challenges.Select(c => (JsonNode)c)]) };
        var e = new EsException(401, "security_exception", reason, extra: new JsonObject { ["header"] = header });
        e.Headers["WWW-Authenticate"] = Challenges;
        return e;
    }
}
