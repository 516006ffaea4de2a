using System.Text;
using System.Text.Json.Nodes;
using Sandbox.Elasticsearch.State;

namespace Sandbox.Elasticsearch.Rest;

/// <summary>API keys: create (rest and cross_cluster), update cross_cluster, get, invalidate.</summary>
public static partial class RestApi
{
    private static readonly string[] CrossClusterCreateFields = ["name", "expiration", "access", "metadata"];

    private static Task<RestResponse> CreateRestApiKey(RestRequest request)
    {
        var body = request.RequireObjectBody();
        var name = body["name"]?.GetValue<string>();
        ValidateKeyRequest(name, body["metadata"] as JsonObject);
        var key = NewKey(request, name!, "rest", body);
        key.RoleDescriptors = body["role_descriptors"]?.DeepClone() as JsonObject ?? new JsonObject();
        request.Node.Cluster.State.ApiKeys.Add(key);
        return Done(CreatedKeyBody(key));
    }

    private static Task<RestResponse> CreateCrossClusterApiKey(RestRequest request)
    {
        RequireCrossClusterKeys(request);
        var body = request.RequireObjectBody();
        foreach (var field in body.Select(p => p.Key))
        {
            if (!CrossClusterCreateFields.Contains(field))
            {
                throw EsException.Parse($"[1:2] [cross_cluster_api_key_request] unknown field [{field}]");
            }
        }

        foreach (var required in new[] { "name", "access" })
        {
            if (!body.ContainsKey(required))
            {
                throw new EsException(400, "x_content_parse_exception", $"[1:2] Required [{required}]",
                    EsException.IllegalArgument($"Required [{required}]"));
            }
        }

        var access = CrossClusterAccess.Parse(body["access"], request.Node.Cluster.State.Version);
        try
        {
            CrossClusterAccess.Build(access, request.Node.Cluster.State.Version);
        }
        catch (EsException e)
        {
            throw CrossClusterCreateBuildFailure(e, request.RawBody);
        }

        var name = body["name"]?.GetValue<string>();
        ValidateKeyRequest(name, body["metadata"] as JsonObject);
        RejectApiKeyCaller(request, "An API key cannot be used to create a cross-cluster API key");
        var key = NewKey(request, name!, "cross_cluster", body);
        key.Access = access;
        key.RoleDescriptors = CrossClusterAccess.RoleDescriptor(access, request.Node.Cluster.State.Version);
        request.Node.Cluster.State.ApiKeys.Add(key);
        return Done(CreatedKeyBody(key));
    }

    /// <summary>
    /// The create request's role descriptor is built in the CreateCrossClusterApiKeyRequest constructor, i.e. by the
    /// ConstructingObjectParser "cross_cluster_api_key_request" once its constructor arguments are in: "Failed to build [...]
    /// after last required field arrived" around the cause. With all four (name, access, expiration, metadata) present that
    /// happens while the last of them is parsed, so ObjectParser adds "[line:col] [...] failed to parse field [last]" at the
    /// token the parser stands on (the end of that field's value); otherwise it happens at the end of the object, unwrapped.
    /// </summary>
    private static EsException CrossClusterCreateBuildFailure(EsException cause, string? rawBody)
    {
        var failedToBuild = new EsException(400, "x_content_parse_exception",
            "Failed to build [cross_cluster_api_key_request] after last required field arrived", cause);
        return LastFieldLocation(rawBody, CrossClusterCreateFields) is { } last
            ? new EsException(400, "x_content_parse_exception",
                $"[{last.Line}:{last.Column}] [cross_cluster_api_key_request] failed to parse field [{last.Field}]", failedToBuild)
            : failedToBuild;
    }

    /// <summary>
    /// Where the parser stands after reading the value of the top-level field that completes <paramref name="fields"/>
    /// (null if the body lacks one): the value's last token, as Jackson's byte-based line and column (1-based).
    /// </summary>
    private static (string Field, int Line, int Column)? LastFieldLocation(string? rawBody, IReadOnlyCollection<string> fields)
    {
        if (rawBody is null)
        {
            return null;
        }

        var bytes = Encoding.UTF8.GetBytes(rawBody);
        var reader = new System.Text.Json.Utf8JsonReader(bytes);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            if (reader.TokenType != System.Text.Json.JsonTokenType.PropertyName || reader.CurrentDepth != 1)
            {
                continue;
            }

            var field = reader.GetString()!;
            reader.Read();
            if (reader.TokenType is System.Text.Json.JsonTokenType.StartObject or System.Text.Json.JsonTokenType.StartArray)
            {
                reader.Skip();
            }

            if (fields.Contains(field) && seen.Add(field) && seen.Count == fields.Count)
            {
                var at = (int)reader.TokenStartIndex;
                var lineStart = Array.LastIndexOf(bytes, (byte)'\n', Math.Max(at - 1, 0));
                var line = 1 + bytes.AsSpan(0, at).Count((byte)'\n');
                return (field, line, at - lineStart);
            }
        }

        return null;
    }

    private static Task<RestResponse> UpdateCrossClusterApiKey(RestRequest request)
    {
        RequireCrossClusterKeys(request);
        var body = request.RequireObjectBody();
        if (!body.ContainsKey("access") && !body.ContainsKey("metadata"))
        {
            throw EsException.Validation("must update either [access] or [metadata] for cross-cluster API keys");
        }

        var access = body.ContainsKey("access") ? CrossClusterAccess.Parse(body["access"], request.Node.Cluster.State.Version) : null;
        if (access is not null)
        {
            // RestUpdateCrossClusterApiKeyAction builds the role descriptor after parsing: its failures come unwrapped.
            CrossClusterAccess.Build(access, request.Node.Cluster.State.Version);
        }

        var metadata = body["metadata"] as JsonObject;
        ValidateMetadata(metadata);
        RejectApiKeyCaller(request, UpdateByApiKey);
        var id = request.Param("id");
        var state = request.Node.Cluster.State;
        var updated = state.ApiKeys.Mutate(() =>
        {
            var key = state.ApiKeys.Find(id);
            if (key is null || key.Username != request.Principal.Username)
            {
                throw new EsException(404, "resource_not_found_exception", $"no API key owned by requesting user found for ID [{id}]");
            }

            ValidateForUpdate(key, "cross_cluster");

            var before = Snapshot(key);
            if (access is not null)
            {
                key.Access = access;
                key.RoleDescriptors = CrossClusterAccess.RoleDescriptor(access, request.Node.Cluster.State.Version);
            }

            if (metadata is not null)
            {
                key.Metadata = (JsonObject)metadata.DeepClone();
            }

            if (body["expiration"]?.GetValue<string>() is { } expiration)
            {
                key.Expiration = DateTimeOffset.UtcNow + TimeValues.Parse(expiration, "expiration");
            }

            return Snapshot(key) != before;
        });
        return Done(new JsonObject { ["updated"] = updated });
    }

    /// <summary>PUT _security/api_key/{id}: REST keys only (role_descriptors, metadata, expiration).</summary>
    private static Task<RestResponse> UpdateRestApiKey(RestRequest request)
    {
        var body = request.Body as JsonObject ?? new JsonObject();
        ValidateMetadata(body["metadata"] as JsonObject);
        RejectApiKeyCaller(request, UpdateByApiKey);
        var id = request.Param("id");
        var state = request.Node.Cluster.State;
        var updated = state.ApiKeys.Mutate(() =>
        {
            var key = state.ApiKeys.Find(id);
            if (key is null || key.Username != request.Principal.Username)
            {
                throw new EsException(404, "resource_not_found_exception", $"no API key owned by requesting user found for ID [{id}]");
            }

            ValidateForUpdate(key, "rest");

            var before = $"{key.RoleDescriptors.ToJsonString()}|{Snapshot(key)}";
            if (body["role_descriptors"] is JsonObject descriptors)
            {
                key.RoleDescriptors = (JsonObject)descriptors.DeepClone();
            }

            if (body["metadata"] is JsonObject metadata)
            {
                key.Metadata = (JsonObject)metadata.DeepClone();
            }

            if (body["expiration"]?.GetValue<string>() is { } expiration)
            {
                key.Expiration = DateTimeOffset.UtcNow + TimeValues.Parse(expiration, "expiration");
            }

            return $"{key.RoleDescriptors.ToJsonString()}|{Snapshot(key)}" != before;
        });
        return Done(new JsonObject { ["updated"] = updated });
    }

    /// <summary>
    /// ApiKeyService.validateForUpdate, in its order: invalidated, expired, legacy (keys without a name, which the sandbox
    /// never creates), then the type the endpoint expects.
    /// </summary>
    private static void ValidateForUpdate(ApiKey key, string expectedType)
    {
        if (key.Invalidated)
        {
            throw EsException.IllegalArgument($"cannot update invalidated API key [{key.Id}]");
        }

        if (key.IsExpired(DateTimeOffset.UtcNow))
        {
            throw EsException.IllegalArgument($"cannot update expired API key [{key.Id}]");
        }

        if (key.Type != expectedType)
        {
            throw EsException.IllegalArgument($"cannot update API key of type [{key.Type}] while expected type is [{expectedType}]");
        }
    }

    /// <summary>A no-op update leaves the document as it is: role descriptors (rebuilt from the access), metadata, expiration.</summary>
    private static string Snapshot(ApiKey key) =>
        $"{key.Access?.ToJsonString()}|{key.RoleDescriptors.ToJsonString()}|{key.Metadata.ToJsonString()}|{key.Expiration?.ToUnixTimeSeconds()}";

    private static Task<RestResponse> GetApiKeys(RestRequest request)
    {
        var state = request.Node.Cluster.State;
        var id = request.QueryValue("id");
        var name = request.QueryValue("name");
        var activeOnly = request.QueryFlag("active_only");
        var owner = request.QueryFlag("owner");
        var username = request.QueryValue("username");
        var now = DateTimeOffset.UtcNow;
        var keys = state.ApiKeys.All()
            .Where(k => id is null || k.Id == id)
            .Where(k => name is null || NameMatches(name, k.Name))
            .Where(k => !owner || k.Username == request.Principal.Username)
            .Where(k => username is null || k.Username == username)
            .Where(k => !activeOnly || k.IsActive(now))
            .Select(k => (JsonNode)KeyInfo(k))
            .ToList();
        var body = new JsonObject { ["api_keys"] = new JsonArray([.. keys]) };
        return Done(body, keys.Count == 0 && id is not null ? 404 : 200);
    }

    private static Task<RestResponse> InvalidateApiKeys(RestRequest request)
    {
        var body = request.RequireObjectBody();
        var ids = (body["ids"] as JsonArray)?.Select(n => n!.GetValue<string>()).ToList() ?? [];
        if (body["id"]?.GetValue<string>() is { } single)
        {
            ids.Add(single);
        }

        var name = body["name"]?.GetValue<string>();
        var username = body["username"]?.GetValue<string>();
        var realm = body["realm_name"]?.GetValue<string>();
        var owner = body["owner"]?.GetValue<bool>() ?? false;
        if (ids.Count == 0 && name is null && username is null && realm is null && !owner)
        {
            throw EsException.Validation("One of [api key id(s), api key name, username, realm name] must be specified if [owner] flag is false");
        }

        var state = request.Node.Cluster.State;
        var invalidated = new JsonArray();
        var previously = new JsonArray();
        state.ApiKeys.Mutate(() =>
        {
            foreach (var key in state.ApiKeys.All())
            {
                var selected = (ids.Count == 0 || ids.Contains(key.Id)) && (name is null || NameMatches(name, key.Name))
                    && (username is null || key.Username == username) && (realm is null || key.Realm == realm)
                    && (!owner || key.Username == request.Principal.Username);
                // The lookup filters out invalidated keys (expired ones stay): invalidating a key twice finds nothing the
                // second time, and nothing found is InvalidateApiKeyResponse.emptyResponse(). previously_invalidated_api_keys
                // only fills when a concurrent request invalidated a found key first (a no-op bulk update).
                if (!selected || key.Invalidated)
                {
                    continue;
                }

                key.Invalidation = DateTimeOffset.UtcNow;
                invalidated.Add(key.Id);
            }

            return 0;
        });
        return Done(new JsonObject
        {
            ["invalidated_api_keys"] = invalidated,
            ["previously_invalidated_api_keys"] = previously,
            ["error_count"] = 0,
        });
    }

    private static bool NameMatches(string pattern, string name) =>
        pattern.EndsWith('*') ? name.StartsWith(pattern[..^1], StringComparison.Ordinal) : name == pattern;

    private static void RequireCrossClusterKeys(RestRequest request)
    {
        if (!request.Node.Cluster.State.Version.HasCrossClusterApiKeys)
        {
            throw new EsException(400, "illegal_argument_exception",
                $"no handler found for uri [{request.Path}] and method [{request.Method}]");
        }
    }

    /// <summary>TransportBaseUpdateApiKeyAction and TransportUpdateApiKeyAction refuse an API-key caller with this.</summary>
    private const string UpdateByApiKey = "only the owner user can update an API key";

    /// <summary>
    /// TransportCreateCrossClusterApiKeyAction and the update actions refuse a caller authenticated by an API key, each with
    /// its own reason after the common prefix.
    /// </summary>
    private static void RejectApiKeyCaller(RestRequest request, string reason)
    {
        if (request.Principal.IsApiKey)
        {
            throw EsException.IllegalArgument($"authentication via API key not supported: {reason}");
        }
    }

    private static void ValidateKeyRequest(string? name, JsonObject? metadata)
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(name))
        {
            problems.Add("api key name is required");
        }
        else
        {
            if (name.Length > 256)
            {
                problems.Add("api key name may not be more than [256] characters long");
            }

            if (name != name.Trim())
            {
                problems.Add("api key name may not begin or end with whitespace");
            }

            if (name.StartsWith('_'))
            {
                problems.Add("api key name may not begin with an underscore");
            }
        }

        problems.AddRange(MetadataProblems(metadata));
        if (problems.Count > 0)
        {
            throw EsException.Validation([.. problems]);
        }
    }

    private static void ValidateMetadata(JsonObject? metadata)
    {
        var problems = MetadataProblems(metadata).ToArray();
        if (problems.Length > 0)
        {
            throw EsException.Validation(problems);
        }
    }

    private static IEnumerable<string> MetadataProblems(JsonObject? metadata) =>
        metadata is not null && metadata.Any(p => p.Key.StartsWith('_'))
            ? ["API key metadata keys may not start with [_]"]
            : [];

    private static ApiKey NewKey(RestRequest request, string name, string type, JsonObject body)
    {
        var now = DateTimeOffset.UtcNow;
        return new ApiKey
        {
            Id = RandomIds.Base64Uuid(),
            Name = name,
            Type = type,
            Secret = RandomIds.ApiKeySecret(),
            Username = request.Principal.Username,
            Realm = request.Principal.RealmName,
            Creation = now,
            Expiration = body["expiration"]?.GetValue<string>() is { } expiration ? now + TimeValues.Parse(expiration, "expiration") : null,
            Metadata = body["metadata"]?.DeepClone() as JsonObject ?? new JsonObject(),
        };
    }

    private static JsonObject CreatedKeyBody(ApiKey key)
    {
        var body = new JsonObject { ["id"] = key.Id, ["name"] = key.Name };
        if (key.Expiration is { } expiration)
        {
            body["expiration"] = expiration.ToUnixTimeMilliseconds();
        }

        body["api_key"] = key.Secret;
        body["encoded"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{key.Id}:{key.Secret}"));
        return body;
    }

    private static JsonObject KeyInfo(ApiKey key)
    {
        var info = new JsonObject
        {
            ["id"] = key.Id,
            ["name"] = key.Name,
            ["type"] = key.Type,
            ["creation"] = key.Creation.ToUnixTimeMilliseconds(),
        };
        if (key.Expiration is { } expiration)
        {
            info["expiration"] = expiration.ToUnixTimeMilliseconds();
        }

        info["invalidated"] = key.Invalidated;
        if (key.Invalidation is { } invalidation)
        {
            info["invalidation"] = invalidation.ToUnixTimeMilliseconds();
        }

        info["username"] = key.Username;
        info["realm"] = key.Realm;
        info["realm_type"] = key.Realm;
        info["metadata"] = key.Metadata.DeepClone();
        info["role_descriptors"] = key.RoleDescriptors.DeepClone();
        if (key.Access is not null)
        {
            info["access"] = key.Access.DeepClone();
        }

        return info;
    }
}
